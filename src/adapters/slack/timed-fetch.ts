import type { FetchFunction } from '@slack/web-api';

/** Statuses whose response has no body (a Response made with one throws). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` with a time limit on the whole call (headers and body), let go the moment the answer is read. The Web API
 * client's own `timeout` uses `AbortSignal.timeout`, which lives its full term after the answer: each call's signal,
 * its listeners and what they reach stayed for 15 s, so the memory of a run grew with how fast Slack answered (at
 * ~1,000 DMs a second, every DM of a 5,000-person scan at once) rather than with the batch. Slack's answers are small
 * JSON, so the body is read here and handed on as a fresh Response.
 */
export function timedFetch(ms: number, base: typeof fetch = fetch): FetchFunction {
  return async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')),
      ms,
    );
    const onAbort = () => controller.abort(init?.signal?.reason);
    // A caller that gave up before the call: no request at all (an abort event will not come again).
    if (init?.signal?.aborted) onAbort();
    else init?.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await base(url, { ...init, signal: controller.signal });
      const body = await response.arrayBuffer();
      const read = new Response(NO_BODY.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      // The client reads `url` for one method's answers; a Response made here has none of its own.
      return Object.defineProperty(read, 'url', { value: response.url });
    } finally {
      clearTimeout(timer);
      init?.signal?.removeEventListener('abort', onAbort);
    }
  };
}
