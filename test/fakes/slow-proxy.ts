import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP proxy that holds every request `delayMs` before passing it on: an AWS endpoint that answers slowly. */
export async function startSlowProxy(
  target: string,
  delayMs: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    setTimeout(() => {
      const upstream = request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
