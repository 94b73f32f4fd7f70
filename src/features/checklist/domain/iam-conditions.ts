/**
 * IAM's condition operators, evaluated in three values: a condition is true, false, or `unknown` when it depends on
 * something the evaluator does not know (a context key whose value depends on the request, an operator it does not
 * implement, a value it cannot read). Semantics follow IAM's documented policy evaluation:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

export type Tri = true | false | 'unknown';

/** Why a condition could not be decided, for the person and the log. */
export type Undecided =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'operator'; readonly operator: string }
  | { readonly kind: 'value'; readonly operator: string; readonly key: string };

export interface TriResult {
  readonly value: Tri;
  /** Set when `value` is `unknown`: the first thing that could not be decided. */
  readonly because?: Undecided;
}

/**
 * The request context as far as it is known. A key listed with `null` is known to be absent; a key with values is
 * present with those values; a key not listed at all is unknown (it depends on the request). Keys are lower case.
 */
export type RequestContext = ReadonlyMap<string, readonly string[] | null>;

export const TRUE: TriResult = { value: true };
export const FALSE: TriResult = { value: false };
const unknown = (because: Undecided): TriResult => ({ value: 'unknown', because });

/** Three-valued AND: false wins, then unknown. */
export function allOf(results: Iterable<TriResult>): TriResult {
  let pending: TriResult | undefined;
  for (const r of results) {
    if (r.value === false) return FALSE;
    if (r.value === 'unknown') pending ??= r;
  }
  return pending ?? TRUE;
}

/** Three-valued OR: true wins, then unknown. */
export function anyOf(results: Iterable<TriResult>): TriResult {
  let pending: TriResult | undefined;
  for (const r of results) {
    if (r.value === true) return TRUE;
    if (r.value === 'unknown') pending ??= r;
  }
  return pending ?? FALSE;
}

const not = (r: TriResult): TriResult => (r.value === 'unknown' ? r : r.value ? FALSE : TRUE);

type Matcher = (contextValue: string, policyValue: string) => boolean | undefined;

/** IAM's `*` and `?` wildcards (no case folding: string conditions are case-sensitive unless IgnoreCase). */
function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'is' : 's').test(value);
}

function numberOf(text: string): number | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(text.trim())) return undefined;
  return Number(text);
}

/** Dates are ISO 8601 or epoch seconds, as IAM accepts them. */
function dateOf(text: string): number | undefined {
  const n = numberOf(text);
  if (n !== undefined) return n * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function compare(
  read: (text: string) => number | undefined,
  test: (a: number, b: number) => boolean,
): Matcher {
  return (contextValue, policyValue) => {
    const a = read(contextValue);
    const b = read(policyValue);
    return a === undefined || b === undefined ? undefined : test(a, b);
  };
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipMatch(contextValue: string, cidr: string): boolean | undefined {
  const [base, bitsText] = cidr.split('/');
  const ip = ipv4(contextValue);
  const net = ipv4(base ?? '');
  const bits = bitsText === undefined ? 32 : numberOf(bitsText);
  if (ip === undefined || net === undefined || bits === undefined || bits < 0 || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(net / size);
}

/** ARNs are compared part by part (the resource part may itself contain colons), each part with wildcards. */
function arnMatch(contextValue: string, pattern: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const value = split(contextValue);
  const wanted = split(pattern);
  if (!value || !wanted) return pattern === '*' || globMatch(pattern, contextValue);
  return wanted.every((p, i) => globMatch(p, value[i] ?? ''));
}

const MATCHERS: Readonly<Record<string, { match: Matcher; negated: boolean }>> = {
  stringequals: { match: (c, p) => c === p, negated: false },
  stringnotequals: { match: (c, p) => c === p, negated: true },
  stringequalsignorecase: { match: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false },
  stringnotequalsignorecase: { match: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: true },
  stringlike: { match: (c, p) => globMatch(p, c), negated: false },
  stringnotlike: { match: (c, p) => globMatch(p, c), negated: true },
  numericequals: { match: compare(numberOf, (a, b) => a === b), negated: false },
  numericnotequals: { match: compare(numberOf, (a, b) => a === b), negated: true },
  numericlessthan: { match: compare(numberOf, (a, b) => a < b), negated: false },
  numericlessthanequals: { match: compare(numberOf, (a, b) => a <= b), negated: false },
  numericgreaterthan: { match: compare(numberOf, (a, b) => a > b), negated: false },
  numericgreaterthanequals: { match: compare(numberOf, (a, b) => a >= b), negated: false },
  dateequals: { match: compare(dateOf, (a, b) => a === b), negated: false },
  datenotequals: { match: compare(dateOf, (a, b) => a === b), negated: true },
  datelessthan: { match: compare(dateOf, (a, b) => a < b), negated: false },
  datelessthanequals: { match: compare(dateOf, (a, b) => a <= b), negated: false },
  dategreaterthan: { match: compare(dateOf, (a, b) => a > b), negated: false },
  dategreaterthanequals: { match: compare(dateOf, (a, b) => a >= b), negated: false },
  bool: {
    match: (c, p) => {
      const known = (v: string) => ['true', 'false'].includes(v.toLowerCase());
      return known(c) && known(p) ? c.toLowerCase() === p.toLowerCase() : undefined;
    },
    negated: false,
  },
  binaryequals: { match: (c, p) => c === p, negated: false },
  ipaddress: { match: ipMatch, negated: false },
  notipaddress: { match: ipMatch, negated: true },
  arnequals: { match: arnMatch, negated: false },
  arnlike: { match: arnMatch, negated: false },
  arnnotequals: { match: arnMatch, negated: true },
  arnnotlike: { match: arnMatch, negated: true },
};

interface Operator {
  readonly name: string;
  readonly set: 'any' | 'all' | undefined;
  readonly ifExists: boolean;
  readonly base: string;
}

function parseOperator(name: string): Operator | undefined {
  let rest = name;
  let set: Operator['set'];
  const qualifier = /^(forallvalues|foranyvalue):/i.exec(rest);
  if (qualifier) {
    set = qualifier[1]?.toLowerCase() === 'forallvalues' ? 'all' : 'any';
    rest = rest.slice(qualifier[0].length);
  }
  const ifExists = /ifexists$/i.test(rest);
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  const base = rest.toLowerCase();
  if (base === 'null') return ifExists || set ? undefined : { name, set, ifExists, base };
  return base in MATCHERS ? { name, set, ifExists, base } : undefined;
}

/**
 * Policy variables (`${aws:username}`) in a condition value, replaced from the context. Undefined when a variable's
 * value is not known (the value then depends on the request).
 */
function substitute(value: string, context: RequestContext): string | undefined {
  let known = true;
  const text = value.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name === '*') return '*';
    if (name === '?') return '?';
    if (name === '$') return '$';
    const [key, fallback] = name.split(/,\s*/);
    const values = context.get((key ?? '').toLowerCase());
    if (values && values.length === 1) return values[0] as string;
    const quoted = fallback && /^'(.*)'$/.exec(fallback);
    if (values === null && quoted) return quoted[1] as string;
    known = false;
    return '';
  });
  return known ? text : undefined;
}

function asStrings(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return undefined;
  const out: string[] = [];
  for (const v of list) {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else return undefined;
  }
  return out;
}

/** One `operator: { key: values }` entry for one key. */
function evaluateKey(op: Operator, key: string, rawValues: unknown, context: RequestContext): TriResult {
  const policyValues = asStrings(rawValues);
  if (!policyValues) return unknown({ kind: 'value', operator: op.name, key });
  const present = context.get(key.toLowerCase());
  if (op.base === 'null') {
    if (present === undefined) return unknown({ kind: 'key', key });
    // Null: "true" means the key must be absent, "false" that it must be present; several values are ORed.
    return anyOf(
      policyValues.map((v) => {
        const wantAbsent = v.toLowerCase() === 'true';
        if (!wantAbsent && v.toLowerCase() !== 'false')
          return unknown({ kind: 'value', operator: op.name, key });
        return (present === null) === wantAbsent ? TRUE : FALSE;
      }),
    );
  }
  const matcher = MATCHERS[op.base];
  if (!matcher) return unknown({ kind: 'operator', operator: op.name });
  if (present === undefined) return unknown({ kind: 'key', key });
  if (present === null || present.length === 0) {
    // A missing key: IfExists and ForAllValues hold; negated operators hold; everything else does not.
    if (op.ifExists || op.set === 'all') return TRUE;
    if (op.set === 'any') return FALSE;
    return matcher.negated ? TRUE : FALSE;
  }
  const resolved = policyValues.map((v) => substitute(v, context));
  const testOne = (contextValue: string): TriResult => {
    const matched = anyOf(
      resolved.map((p) => {
        if (p === undefined) return unknown({ kind: 'value', operator: op.name, key });
        const m = matcher.match(contextValue, p);
        return m === undefined ? unknown({ kind: 'value', operator: op.name, key }) : m ? TRUE : FALSE;
      }),
    );
    return matcher.negated ? not(matched) : matched;
  };
  if (op.set === 'all') return allOf(present.map(testOne));
  if (op.set === 'any' || present.length === 1) return anyOf(present.map(testOne));
  // A single-valued operator on a multi-valued key: IAM's answer depends on details the docs leave open.
  return unknown({ kind: 'operator', operator: op.name });
}

/** A statement's whole Condition block: every operator, every key within it (AND); values within a key (OR). */
export function evaluateCondition(condition: unknown, context: RequestContext): TriResult {
  if (condition === undefined) return TRUE;
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition))
    return unknown({ kind: 'operator', operator: 'Condition' });
  const results: TriResult[] = [];
  for (const [name, block] of Object.entries(condition as Record<string, unknown>)) {
    const op = parseOperator(name);
    if (!op) return unknown({ kind: 'operator', operator: name });
    if (block === null || typeof block !== 'object' || Array.isArray(block))
      return unknown({ kind: 'operator', operator: name });
    for (const [key, values] of Object.entries(block as Record<string, unknown>))
      results.push(evaluateKey(op, key, values, context));
  }
  return allOf(results);
}
