import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward, withBody } from './forward.js';

/** An HTTP proxy that holds every request `delayMs` before passing it on: an AWS endpoint that answers slowly. */
export async function startSlowProxy(
  target: string,
  delayMs: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const to = new URL(target);
  const server: Server = createServer(
    withBody((req, res, body) => setTimeout(() => forward(req, res, body, to), delayMs)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
