// A minimal HTTP/1.1 client for the load generator: a fixed pool of keep-alive
// sockets, one request at a time on each (no pipelining, like a shop's sender),
// requests written as one prebuilt buffer, answers parsed just enough for the status
// and body. Node's http client cost ≈ 280 µs of CPU per request on this machine,
// which would leave the order desk less than a core to be measured on; this one
// costs a fraction of that, so the figures are the desk's, not the generator's.
import { connect, type Socket } from 'node:net';

export interface Answer {
  /** 0 when the connection failed or broke before a whole answer came. */
  readonly status: number;
  readonly body: string;
}

interface Pending {
  readonly request: Buffer;
  readonly done: (answer: Answer) => void;
}

interface Conn {
  socket: Socket | null;
  current: Pending | null;
  buf: Buffer;
  /** Reconnect not before this time (the server was refusing). */
  retryAt: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class LoadClient {
  private readonly conns: Conn[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;
  private wakeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly port: number,
    sockets: number,
  ) {
    for (let i = 0; i < sockets; i++) this.conns.push({ socket: null, current: null, buf: Buffer.alloc(0), retryAt: 0 });
  }

  /**
   * Opens every socket before the first delivery is due: a shop's sender keeps its
   * connections alive, and 128 handshakes inside the first milliseconds would be
   * counted as the desk's latency.
   */
  async connectAll(): Promise<void> {
    await Promise.all(
      this.conns.map((c) => {
        if (!c.socket) this.open(c);
        const s = c.socket!;
        return new Promise<void>((resolve) => {
          if (!s.connecting) return resolve();
          s.once('connect', () => resolve());
          s.once('close', () => resolve());
        });
      }),
    );
  }

  /** Sends `request` (a whole HTTP/1.1 request) when a socket is free. */
  send(request: Buffer, done: (answer: Answer) => void): void {
    this.queue.push({ request, done });
    this.pump();
  }

  get queued(): number {
    return this.queue.length;
  }

  close(): void {
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    for (const c of this.conns) c.socket?.destroy();
  }

  private pump(): void {
    const now = performance.now();
    for (const c of this.conns) {
      if (this.queue.length === 0) return;
      if (c.current) continue;
      if (!c.socket) {
        if (now < c.retryAt) continue;
        this.open(c);
      }
      const p = this.queue.shift()!;
      c.current = p;
      c.socket!.write(p.request);
    }
    // Every socket waits to reconnect: look again when the first may.
    if (this.queue.length > 0 && !this.wakeTimer && this.conns.every((c) => c.current || (!c.socket && now < c.retryAt))) {
      const soonest = Math.min(...this.conns.filter((c) => !c.current).map((c) => c.retryAt));
      if (Number.isFinite(soonest)) {
        this.wakeTimer = setTimeout(() => {
          this.wakeTimer = null;
          this.pump();
        }, Math.max(1, soonest - now));
      }
    }
  }

  private open(c: Conn): void {
    const socket = connect({ port: this.port, host: '127.0.0.1', noDelay: true });
    c.socket = socket;
    c.buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
      this.parse(c);
    });
    const broken = (refused: boolean) => {
      if (c.socket !== socket) return;
      c.socket = null;
      c.retryAt = performance.now() + (refused ? 50 : 0);
      const p = c.current;
      c.current = null;
      p?.done({ status: 0, body: '' });
      if (!this.closed) this.pump();
    };
    socket.on('error', (err: NodeJS.ErrnoException) => broken(err.code === 'ECONNREFUSED'));
    socket.on('close', () => broken(false));
  }

  private parse(c: Conn): void {
    const end = c.buf.indexOf(HEADER_END);
    if (end < 0 || !c.current) return;
    const head = c.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const length = m ? Number(m[1]) : 0;
    const total = end + 4 + length;
    if (c.buf.length < total) return;
    const body = c.buf.toString('utf8', end + 4, total);
    c.buf = c.buf.subarray(total);
    const p = c.current;
    c.current = null;
    if (/\r\nconnection:\s*close/i.test(head)) {
      const s = c.socket;
      c.socket = null;
      s?.destroy();
    }
    p.done({ status, body });
    this.pump();
  }
}

export function httpRequest(path: string, headers: Readonly<Record<string, string>>, body: string): Buffer {
  const bytes = Buffer.from(body);
  let head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${bytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}
