// For the senders' integration tests: a real node:http server on 127.0.0.1 that
// records every request as it arrived (raw body, headers, time) and answers as the
// test says — a status, or never ('hang'), to play a broken endpoint.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** When the client closed the connection, if it did while we held the answer. */
  closedAt: number | null;
}

export type Answer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | 'hang';

export interface TestReceiver {
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Sets how the next requests are answered (by their 0-based index). */
  answer(fn: (index: number, request: ReceivedRequest) => Answer): void;
  stop(): Promise<void>;
}

export async function startTestReceiver(): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let answerFn: (index: number, request: ReceivedRequest) => Answer = () => ({ status: 200 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        at: Date.now(),
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        closedAt: null,
      };
      const index = requests.push(received) - 1;
      const answer = answerFn(index, received);
      if (answer === 'hang') {
        res.on('close', () => (received.closedAt = Date.now()));
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    answer: (fn) => (answerFn = fn),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
