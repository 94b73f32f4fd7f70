/**
 * The right to run something that must happen once however many processes start it (a `scan`, a `jobs` run): held
 * while it runs and renewed, given back at the end, and free again soon after a holder that died.
 */
export interface RunClaims {
  /** Takes `name` until `until` for `holder`, or renews it if `holder` has it; false when someone else does. */
  take(name: string, holder: string, at: number, until: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  /** Who holds `name` now, if anyone (for the message saying why nothing was done). */
  holder(name: string, at: number): Promise<string | undefined>;
}

/** A claim is renewed this often while its run goes on … */
const RENEW_MS = 30_000;
/** … and runs out this long after the last renewal (a holder killed mid-run frees it within this). */
const CLAIM_MS = 2 * 60_000;

export type Claimed<T> =
  | { readonly ran: true; readonly result: T }
  | { readonly ran: false; readonly holder: string };

/**
 * Runs `run` only if this process can take `name`; otherwise resolves with who has it. The claim is renewed while `run`
 * goes on and given back when it ends, however it ends.
 */
export async function once<T>(
  claims: RunClaims,
  name: string,
  who: { readonly holder: string; readonly now: () => number },
  run: () => Promise<T>,
): Promise<Claimed<T>> {
  const at = who.now();
  if (!(await claims.take(name, who.holder, at, at + CLAIM_MS)))
    return { ran: false, holder: (await claims.holder(name, at)) ?? 'another process' };
  const renew = setInterval(() => {
    const t = who.now();
    claims.take(name, who.holder, t, t + CLAIM_MS).catch(() => undefined);
  }, RENEW_MS);
  renew.unref();
  try {
    return { ran: true, result: await run() };
  } finally {
    clearInterval(renew);
    await claims.release(name, who.holder).catch(() => undefined);
  }
}
