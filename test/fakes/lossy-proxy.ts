import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward, withBody } from './forward.js';

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
  const server: Server = createServer(
    withBody((req, res, body) => {
      const dropThis = state.lost < times && lose.test(body.toString('utf8'));
      forward(req, res, body, to, (answer) => {
        if (!dropThis) return false;
        state.lost++;
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return true;
      });
    }),
  );
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
