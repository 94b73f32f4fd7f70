import { wildcardToRegExp } from '../../../kernel/domain/policy-document.js';

/**
 * Whether a set of action patterns leaves some action open, decided exactly rather than by trying examples: the
 * patterns are IAM's `*` / `?` wildcards (case-insensitive), and an action is any `service:Name`, except in the
 * services whose actions are all known (IAM, STS), where it is one of those. The search walks the product of the
 * patterns' automata breadth-first, so the example it returns is one of the shortest.
 */

export interface CoverageQuestion {
  /** Each group is one NotAction list: the action must match at least one pattern of every group. */
  readonly required: readonly (readonly string[])[];
  /** The action must match none of these (Action lists, and the actions left open on purpose). */
  readonly excluded: readonly string[];
  /** Real actions tried first, so that the example shown is one a person recognises. */
  readonly catalogue?: readonly string[];
  /**
   * Services whose every action is known (service → action names): their actions are only these, not every name a
   * wildcard could match. Any other service may have any action name.
   */
  readonly closed?: Readonly<Record<string, readonly string[]>>;
}

export type CoverageAnswer =
  | { readonly open: true; readonly example: string }
  | { readonly open: false }
  | { readonly open: 'too_complex' };

/** States explored before giving up; real policies need a few hundred. */
const SEARCH_LIMIT = 50_000;

const SERVICE_CHARS = /^[a-z0-9-]$/;
const NAME_CHARS = /^[a-z0-9]$/;

/** The positions of a glob reachable after reading a prefix, `*` positions closed over (they may match nothing). */
function close(pattern: string, positions: Iterable<number>): number[] {
  const out = new Set<number>();
  for (let p of positions) {
    out.add(p);
    while (pattern[p] === '*') out.add(++p);
  }
  return [...out].sort((a, b) => a - b);
}

function step(pattern: string, positions: readonly number[], ch: string): number[] {
  const next: number[] = [];
  for (const p of positions) {
    const c = pattern[p];
    if (c === undefined) continue;
    if (c === '*') next.push(p);
    else if (c === '?' || c === ch) next.push(p + 1);
  }
  return close(pattern, next);
}

/**
 * The shape of an action, `service:name`, with the closed services left out (their actions are tried one by one):
 * `S` + the service so far while it could still become a closed service's name, `S*` once it cannot, `C` just after
 * the colon, `N` in the name (accepting), `` (dead).
 */
function shapeStep(state: string, ch: string, closed: readonly string[]): string {
  if (state === 'C' || state === 'N') return NAME_CHARS.test(ch) ? 'N' : '';
  if (state === 'S*') return SERVICE_CHARS.test(ch) ? 'S*' : ch === ':' ? 'C' : '';
  const prefix = state.slice(1);
  if (ch === ':') return prefix !== '' && !closed.includes(prefix) ? 'C' : '';
  if (!SERVICE_CHARS.test(ch)) return '';
  const longer = prefix + ch;
  return closed.some((name) => name.startsWith(longer)) ? `S${longer}` : 'S*';
}

/** An action matched by at least one pattern of each required group and by no excluded pattern, if there is one. */
export function findOpenAction(question: CoverageQuestion): CoverageAnswer {
  const required = question.required.map((g) => g.map((p) => p.toLowerCase()));
  const excluded = question.excluded.map((p) => p.toLowerCase());
  const accepts = (action: string) =>
    required.every((g) => g.some((p) => wildcardToRegExp(p).test(action))) &&
    !excluded.some((p) => wildcardToRegExp(p).test(action));
  const closedActions = Object.entries(question.closed ?? {}).flatMap(([service, names]) =>
    names.map((n) => `${service}:${n}`),
  );
  for (const action of [...(question.catalogue ?? []), ...closedActions])
    if (accepts(action.toLowerCase())) return { open: true, example: action };
  const closed = Object.keys(question.closed ?? {}).map((s) => s.toLowerCase());

  const patterns = [...new Set([...required.flat(), ...excluded])];
  const index = new Map(patterns.map((p, i) => [p, i]));
  const groups = required.map((g) => g.map((p) => index.get(p) as number));
  const excludedIdx = excluded.map((p) => index.get(p) as number);
  const literal = new Set([...patterns, ...closed].join('').replace(/[*?]/g, '').split(''));
  // Characters written in no pattern (nor closed service name) all behave alike: one of them stands for the rest.
  const fresh = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('').find((c) => !literal.has(c));
  const alphabet = [...new Set([...literal, ':', ...(fresh ? [fresh] : [])])].filter(
    (c) => SERVICE_CHARS.test(c) || c === ':',
  );

  interface State {
    readonly shape: string;
    readonly globs: readonly (readonly number[])[];
    readonly text: string;
  }
  const keyOf = (s: State) => `${s.shape}|${s.globs.map((g) => g.join(',')).join(';')}`;
  const ends = (i: number, s: State) => (s.globs[i] as number[]).includes((patterns[i] as string).length);
  const accepting = (s: State) =>
    s.shape === 'N' && groups.every((g) => g.some((i) => ends(i, s))) && !excludedIdx.some((i) => ends(i, s));
  // A required group none of whose patterns can still match can never be satisfied from here.
  const hopeless = (s: State) => groups.some((g) => g.every((i) => (s.globs[i] as number[]).length === 0));

  const start: State = { shape: 'S', globs: patterns.map((p) => close(p, [0])), text: '' };
  const seen = new Set([keyOf(start)]);
  let frontier = [start];
  while (frontier.length > 0) {
    const next: State[] = [];
    for (const state of frontier) {
      for (const ch of alphabet) {
        const shape = shapeStep(state.shape, ch, closed);
        if (shape === '') continue;
        const moved: State = {
          shape,
          globs: patterns.map((p, i) => step(p, state.globs[i] as number[], ch)),
          text: state.text + ch,
        };
        if (hopeless(moved)) continue;
        if (accepting(moved)) return { open: true, example: moved.text };
        const key = keyOf(moved);
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > SEARCH_LIMIT) return { open: 'too_complex' };
        next.push(moved);
      }
    }
    frontier = next;
  }
  return { open: false };
}
