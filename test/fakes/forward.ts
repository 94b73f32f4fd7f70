import { type IncomingMessage, request, type ServerResponse } from 'node:http';

/** Passes a request (its body already read) on to `to` and pipes the answer back; 502 when `to` cannot be reached. */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  to: URL,
  onAnswer?: (upstream: IncomingMessage) => boolean,
): void {
  const upstream = request(
    { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
    (r) => {
      // `onAnswer` may take the answer over (to lose it, say); otherwise it goes back to the caller.
      if (onAnswer?.(r)) return;
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  upstream.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  upstream.end(body);
}

/** Reads a request's whole body, then calls `handle` with it. */
export function withBody(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  };
}
