/**
 * AWS access key IDs in text someone wrote: `AKIA` (long-term) or `ASIA` (temporary) and 16 upper-case letters or
 * digits, not inside a longer word. A secret access key is 40 characters of base64 (`A–Z a–z 0–9 / +`); one "next to"
 * a key ID — within a few lines of it — means the whole credential was pasted.
 */
const KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** How far from a key ID (characters either side) a secret-shaped string counts as pasted with it. */
const NEAR = 300;
/** Key IDs acted on per message: a message pasting a whole credentials file is still one incident. */
export const MAX_KEYS_PER_MESSAGE = 5;
/** Text longer than this is read only up to it (Slack allows 40,000 characters; keys sit near the start). */
const MAX_TEXT = 40_000;

export interface PastedKey {
  readonly keyId: string;
  readonly temporary: boolean;
  readonly secretToo: boolean;
}

/** Mixed case and a digit or `/`/`+`: what a generated secret has and an ordinary long word or hash does not. */
function secretShaped(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9/+]/.test(s);
}

/** Key IDs in `text`, each once, in order of appearance; whether a secret-shaped string sits near each. */
export function findPastedKeys(text: string): PastedKey[] {
  const body = text.slice(0, MAX_TEXT);
  const secrets = [...body.matchAll(SECRET)].filter((m) => secretShaped(m[0])).map((m) => m.index ?? 0);
  const seen = new Map<string, PastedKey>();
  for (const match of body.matchAll(KEY_ID)) {
    const keyId = match[0];
    const at = match.index ?? 0;
    const near = secrets.some((s) => Math.abs(s - at) <= NEAR);
    const before = seen.get(keyId);
    if (before) {
      if (near && !before.secretToo) seen.set(keyId, { ...before, secretToo: true });
      continue;
    }
    if (seen.size >= MAX_KEYS_PER_MESSAGE) continue;
    seen.set(keyId, { keyId, temporary: keyId.startsWith('ASIA'), secretToo: near });
  }
  return [...seen.values()];
}
