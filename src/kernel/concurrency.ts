/**
 * At most `limit` of the given tasks run at once; the rest wait their turn in order. Bounds heavy work (AWS reads
 * for a burst of checklists) so that short work — acknowledging Slack within 3 seconds — still gets the event loop.
 */
export function createConcurrencyLimit(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * For a long loop whose awaits are all answered at once (SQLite is synchronous): every `every` steps, one turn of the
 * event loop, so Slack's 3-second acknowledgements and timers are not starved while a large scan queues its nudges.
 */
export function breather(every = 100): () => Promise<void> {
  let steps = 0;
  return async () => {
    if (++steps % every === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  };
}

/** `task` over every item, at most `limit` at once; the results in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i] as T);
      }
    }),
  );
  return out;
}

/** One account that could not be read, and why. */
export interface AccountFailure {
  readonly accountId: string;
  readonly error: unknown;
}

/**
 * `read` in every account, a few at a time: what could be read, and the accounts that could not (each logged once,
 * with its account). Every account failing is no answer at all, so that throws the first error — unless `allMayFail`
 * (the scan, which reports each unreadable account instead). With `use`, each account's reading is handed to it as
 * soon as it is read and only what `use` returns is kept (the reading itself is released); what `use` throws is no
 * unreadable account but an error, and fails the whole.
 */
export async function everyAccount<R, U = R>(
  ids: readonly string[],
  options: {
    readonly concurrency: number;
    readonly logger: { warn(fields: object, message: string): void };
    /** What was read, for the log line: `the credential report`. */
    readonly what: string;
    readonly allMayFail?: boolean;
  },
  read: (accountId: string) => Promise<R>,
  use: (value: R, accountId: string) => Promise<U> = async (value) => value as unknown as U,
): Promise<{ values: U[]; failures: AccountFailure[] }> {
  const values: U[] = [];
  const failures: AccountFailure[] = [];
  const results = await mapLimit(ids, options.concurrency, async (accountId) => {
    let value: R;
    try {
      value = await read(accountId);
    } catch (error) {
      options.logger.warn({ err: error, accountId }, `could not read ${options.what} of an account`);
      failures.push({ accountId, error });
      return { ok: false as const };
    }
    return { ok: true as const, value: await use(value, accountId) };
  });
  for (const r of results) if (r.ok) values.push(r.value);
  if (!options.allMayFail && ids.length > 0 && failures.length === ids.length) throw failures[0]?.error;
  return { values, failures: failures.sort((a, b) => a.accountId.localeCompare(b.accountId)) };
}
