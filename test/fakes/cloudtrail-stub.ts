import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * CloudTrail's JSON API answering LookupEvents with the events given, for processes a test cannot mock in (the
 * compiled CLI). Point them at it with AWS_ENDPOINT_URL_CLOUDTRAIL. moto has no LookupEvents.
 */
export async function startCloudTrailStub(
  events: unknown[] = [],
): Promise<{ url: string; calls: number; stop(): Promise<void> }> {
  const state = { calls: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.calls++;
      const target = String(req.headers['x-amz-target'] ?? '');
      if (!target.endsWith('.LookupEvents')) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'UnsupportedOperationException', message: target }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ Events: events }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get calls() {
      return state.calls;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
