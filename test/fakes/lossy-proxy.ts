import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of an AWS endpoint that, for the first `times` requests whose body matches `lose`, passes
 * the request on (so AWS acts on it) and then cuts the client's connection: the answer is lost on the way back.
 */
export async function startLossyProxy(
  target: string,
  lose: RegExp,
  times: number,
): Promise<{ url: string; lost: number; stop(): Promise<void> }> {
  const to = new URL(target);
  const state = { lost: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const dropThis = state.lost < times && lose.test(body.toString('utf8'));
      const upstream = request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          if (dropThis) {
            state.lost++;
            r.resume();
            r.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get lost() {
      return state.lost;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
