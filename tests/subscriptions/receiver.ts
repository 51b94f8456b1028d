/** A real rest-hook receiver for the subscription tests: node:http on 127.0.0.1, port 0, recording every request. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly received: Received[];
  /** Requests to `path` so far. */
  at(path: string): Received[];
  /** Answer the next `n` requests to `path` with `status` (default: 500). */
  failNext(path: string, n: number, status?: number): void;
  /** Answer every request to `path` with `status` until `recover(path)`. */
  failAlways(path: string, status?: number): void;
  recover(path: string): void;
  /** Resolves once `n` requests reached `path`; rejects after `timeoutMs`. */
  waitFor(path: string, n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const failures = new Map<string, { left: number; status: number }>();
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const failure = failures.get(path);
      if (failure && failure.left > 0) {
        failure.left--;
        res.writeHead(failure.status).end();
      } else res.writeHead(200).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const at = (path: string) => received.filter((r) => r.path === path);
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    at,
    failNext: (path, n, status = 500) => failures.set(path, { left: n, status }),
    failAlways: (path, status = 503) => failures.set(path, { left: Number.POSITIVE_INFINITY, status }),
    recover: (path) => failures.delete(path),
    async waitFor(path, n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (at(path).length < n) {
        if (Date.now() > deadline) throw new Error(`receiver: ${at(path).length} of ${n} requests to ${path} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return at(path);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
