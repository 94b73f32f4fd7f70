/** Small readers of IAM policy documents, shared by the rules that look into them. */

export function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM's `*` and `?` wildcards, case-insensitive as IAM matches action names. */
export function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** The statements of a parsed document, each an object; anything malformed is left out. */
export function statementsOf(document: unknown): Record<string, unknown>[] {
  const statements = asList((document as { Statement?: unknown } | undefined)?.Statement);
  return statements.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null);
}
