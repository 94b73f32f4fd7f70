import { afterEach, describe, expect, it, vi } from 'vitest';
import { timedFetch } from '../../../src/adapters/slack/timed-fetch.js';
import { DELIVERY_CLIENT } from '../../../src/wiring/platform.js';

const answer = (status = 200, body: string | null = '{"ok":true}') =>
  vi.fn(
    async (_url: string | URL | Request, _init?: RequestInit) =>
      new Response(body, { status, headers: { 'content-type': 'application/json', 'retry-after': '3' } }),
  );

describe('timedFetch: a time limit on each Web API call, let go with its answer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands on the answer (status, headers, body) and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const base = answer(429);
    const fetchFn = timedFetch(15_000, base as unknown as typeof fetch);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetchFn('https://slack.test/api/chat.postMessage', { method: 'POST' }),
      ),
    );
    // The client's own `timeout` keeps one timer (and its signal) per call for 15 s; here none outlives its answer.
    expect(vi.getTimerCount()).toBe(0);
    const first = responses[0];
    expect(first?.status).toBe(429);
    expect(first?.headers.get('retry-after')).toBe('3');
    expect(await first?.json()).toEqual({ ok: true });
    expect(base).toHaveBeenCalledTimes(50);
  });

  it('gives up on a call with no answer within the limit (a TimeoutError the client retries or reports)', async () => {
    vi.useFakeTimers();
    const never = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    );
    const call = timedFetch(15_000, never as unknown as typeof fetch)('https://slack.test/api/auth.test');
    let settled = false;
    call.then(
      () => (settled = true),
      () => (settled = true),
    );
    const failed = expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    await vi.advanceTimersByTimeAsync(14_999);
    expect(never).toHaveBeenCalledTimes(1);
    // Still waiting one millisecond before the limit: the limit is the one given, not sooner.
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await failed;
    expect(vi.getTimerCount()).toBe(0);
  });

  it("passes the caller's own abort on", async () => {
    const never = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    );
    const caller = new AbortController();
    const call = timedFetch(15_000, never as unknown as typeof fetch)('https://slack.test/api/auth.test', {
      signal: caller.signal,
    });
    caller.abort(new Error('stopping'));
    await expect(call).rejects.toThrow('stopping');
  });

  it('a caller who gave up before the call gets its own reason at once, not the time limit', async () => {
    const never = vi.fn(
      (_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          if (init?.signal?.aborted) reject(init.signal.reason);
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const call = timedFetch(15_000, never as unknown as typeof fetch)('https://slack.test/api/auth.test', {
      signal: AbortSignal.abort(new Error('stopped before')),
    });
    await expect(call).rejects.toThrow('stopped before');
  });

  it('a status without a body (204) is handed on without one', async () => {
    const response = await timedFetch(
      1_000,
      answer(204, null) as unknown as typeof fetch,
    )('https://slack.test/x');
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it("is what the deliverer's client uses: no client `timeout`, which would hold each call for its full term", () => {
    expect(DELIVERY_CLIENT).not.toHaveProperty('timeout');
    expect(typeof DELIVERY_CLIENT.fetch).toBe('function');
  });
});
