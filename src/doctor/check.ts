import { operatorSentence } from '../errors.js';

/** One line of `aws-mfa-bot doctor`: what was checked, how it went and, when it failed, the fix in one sentence. */
export interface CheckResult {
  readonly id: string;
  readonly status: 'pass' | 'warn' | 'fail';
  readonly title: string;
  /** What was found (passes and problems alike). */
  readonly detail: string;
  /** What to do, for a warning or failure. */
  readonly fix?: string;
}

export const pass = (id: string, title: string, detail: string): CheckResult => ({
  id,
  status: 'pass',
  title,
  detail,
});
export const fail = (id: string, title: string, detail: string, fix: string): CheckResult => ({
  id,
  status: 'fail',
  title,
  detail,
  fix,
});
export const warn = (id: string, title: string, detail: string, fix: string): CheckResult => ({
  id,
  status: 'warn',
  title,
  detail,
  fix,
});

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

/** `✓ title: detail` or `✗ title: detail. Fix: …` */
export function formatCheck(r: CheckResult): string {
  return `${MARK[r.status]} ${r.title}: ${r.detail}${r.fix ? ` — fix: ${r.fix}` : ''}`;
}

/** An error as one short line: its code or name and message, never a stack. */
export function describeError(error: unknown): string {
  const sentence = operatorSentence(error);
  if (sentence) return sentence;
  const e = error as { name?: string; code?: string; message?: string; data?: { error?: string } };
  const code = e?.data?.error ?? e?.code ?? e?.name ?? 'Error';
  const message = (e?.message ?? String(error)).split('\n')[0]?.slice(0, 200) ?? '';
  return message.includes(code) ? message : `${code}: ${message}`;
}

/** Runs a check with a time limit: a service that hangs is a failure, not a doctor that hangs. */
export async function withTimeout(
  id: string,
  title: string,
  ms: number,
  run: () => Promise<CheckResult | CheckResult[]>,
  fix: string,
): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult[]>((resolve) => {
    timer = setTimeout(() => resolve([fail(id, title, `no answer within ${ms / 1000} s`, fix)]), ms);
  });
  try {
    const result = await Promise.race([
      run().then(
        (r) => (Array.isArray(r) ? r : [r]),
        (error: unknown) => [fail(id, title, describeError(error), fix)],
      ),
      timeout,
    ]);
    return result;
  } finally {
    clearTimeout(timer);
  }
}
