import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward, withBody } from './forward.js';

/** The AWS action a request asks for: `Action=` of the query protocol (IAM, STS) or the JSON protocol's target. */
function actionOf(headers: Record<string, string | string[] | undefined>, body: string): string {
  const target = String(headers['x-amz-target'] ?? '');
  if (target) return target.slice(target.lastIndexOf('.') + 1);
  return /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? 'unknown';
}

export interface AwsProxy {
  readonly url: string;
  /** How many times each action reached AWS through this proxy. */
  count(action: string): number;
  /** Every request that reached AWS through this proxy. */
  total(): number;
  /** How many times each action reached AWS so far (a copy). */
  snapshot(): Map<string, number>;
  /**
   * Requests by the access key that signed them (a copy): one credential set per account when each member account's
   * role is assumed once, so these are the calls per account.
   */
  byAccessKey(): Map<string, number>;
  /**
   * Refuses every `action` request whose body matches `pattern`, as AWS does: 403 AccessDenied (an SCP, a trust
   * policy that does not name the bot). It never reaches moto.
   */
  deny(action: string, pattern: RegExp): void;
  /**
   * Rewrites moto's answer to every `action` request whose body matches `pattern`: for what moto does not model
   * (a user's permissions boundary in GetUser, AWS's pages). `rewrite` is given the request's body too.
   */
  patch(action: string, pattern: RegExp, rewrite: (answer: string, request: string) => string): void;
  /** Holds the next request for `action` (it never reaches AWS) and resolves when one arrives. */
  holdNext(action: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A proxy in front of moto for processes a test cannot instrument (the compiled bot): it counts what each process
 * asked AWS to do, and can hold one request so the test can kill the process while it waits.
 */
export async function startAwsProxy(target: string): Promise<AwsProxy> {
  const to = new URL(target);
  const counts = new Map<string, number>();
  const keys = new Map<string, number>();
  const holds = new Map<string, () => void>();
  const denials: { action: string; pattern: RegExp }[] = [];
  const patches: {
    action: string;
    pattern: RegExp;
    rewrite: (answer: string, request: string) => string;
  }[] = [];
  const server: Server = createServer(
    withBody((req, res, body) => {
      const text = body.toString('utf8');
      const action = actionOf(req.headers, text);
      if (denials.some((d) => d.action === action && d.pattern.test(decodeURIComponent(text)))) {
        counts.set(`${action}:denied`, (counts.get(`${action}:denied`) ?? 0) + 1);
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied by the test</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
        );
        return;
      }
      const held = holds.get(action);
      if (held) {
        holds.delete(action);
        held();
        return; // never answered, never forwarded: the process waits until it is killed
      }
      counts.set(action, (counts.get(action) ?? 0) + 1);
      const key = /Credential=([^/,\s]+)/.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'unsigned';
      keys.set(key, (keys.get(key) ?? 0) + 1);
      const patch = patches.find((p) => p.action === action && p.pattern.test(decodeURIComponent(text)));
      forward(req, res, body, to, (upstream) => {
        if (!patch) return false;
        const chunks: Buffer[] = [];
        upstream.on('data', (c: Buffer) => chunks.push(c));
        upstream.on('end', () => {
          const answer = Buffer.from(patch.rewrite(Buffer.concat(chunks).toString('utf8'), text));
          res.writeHead(upstream.statusCode ?? 502, {
            ...upstream.headers,
            'content-length': String(answer.length),
          });
          res.end(answer);
        });
        return true;
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (action) => counts.get(action) ?? 0,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    snapshot: () => new Map(counts),
    byAccessKey: () => new Map(keys),
    deny: (action, pattern) => {
      denials.push({ action, pattern });
    },
    patch: (action, pattern, rewrite) => {
      patches.push({ action, pattern, rewrite });
    },
    holdNext: (action) => new Promise<void>((resolve) => holds.set(action, resolve)),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
