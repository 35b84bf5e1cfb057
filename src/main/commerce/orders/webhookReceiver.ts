// The webhook receiver: POST /orders/<adapterId> on node:http, bound to 127.0.0.1
// unless configured otherwise. Every answer is decided in this order, so that an
// unsigned caller learns nothing about the body: size (413), signature (401), JSON
// and fields (400), then the desk (200 accepted / duplicate / ignored, 503 when
// the journal cannot write). Connections are kept alive: a shop delivering a burst
// reuses its sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AcceptResult, OrderInput } from './order';
import { OrderInputError } from './order';
import type { WebhookAdapter } from './webhookAdapters';

export type RejectReason = 'badSignature' | 'badJson' | 'missingFields' | 'tooLarge' | 'unknownAdapter' | 'wrongMethod' | 'unavailable';

export const REJECT_REASONS: readonly RejectReason[] = ['badSignature', 'badJson', 'missingFields', 'tooLarge', 'unknownAdapter', 'wrongMethod', 'unavailable'];

export interface ReceiverDesk {
  adapter(id: string): WebhookAdapter | undefined;
  accept(input: OrderInput, adapter: WebhookAdapter): Promise<AcceptResult>;
  rejected(adapterId: string | null, reason: RejectReason): void;
  ignored(adapterId: string): void;
}

/**
 * Real orders/create payloads carry 1–2 KB per line item (tax lines, price sets,
 * discounts, properties), so a 30-item order passes 64 KB; refusing it would only
 * make the shop retry it until it disables the webhook.
 */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const PATH_PREFIX = '/orders/';

export class WebhookReceiver {
  private readonly server: Server;

  constructor(
    private readonly desk: ReceiverDesk,
    private readonly maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  ) {
    this.server = createServer({ requestTimeout: 15_000, headersTimeout: 10_000 }, (req, res) => this.handle(req, res));
    // Longer than the 60 s idle timeout common in senders' pools, so the server is
    // not the side that closes a socket a sender is about to reuse.
    this.server.keepAliveTimeout = 65_000;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve({ host, port: (this.server.address() as AddressInfo).port });
      });
    });
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), 2000);
    await closed;
    clearTimeout(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const adapterId = path.startsWith(PATH_PREFIX) ? path.slice(PATH_PREFIX.length) : '';
    const adapter = adapterId ? this.desk.adapter(adapterId) : undefined;
    if (!adapter) {
      this.desk.rejected(null, 'unknownAdapter');
      return this.refuseUnread(req, res, 404, 'no order adapter at this path');
    }
    if (req.method !== 'POST') {
      this.desk.rejected(adapter.id, 'wrongMethod');
      res.setHeader('Allow', 'POST');
      return this.refuseUnread(req, res, 405, 'use POST');
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBodyBytes) {
      this.desk.rejected(adapter.id, 'tooLarge');
      return this.refuseUnread(req, res, 413, `body over ${this.maxBodyBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        // A chunked body with no length: stop as soon as it passes the limit.
        refused = true;
        this.desk.rejected(adapter.id, 'tooLarge');
        this.refuseUnread(req, res, 413, `body over ${this.maxBodyBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) void this.process(adapter, req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', () => undefined);
  }

  private async process(adapter: WebhookAdapter, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    if (adapter.isPing(raw, req.headers)) return reply(res, 200, { status: 'ping' });
    if (!adapter.verify(raw, req.headers)) {
      this.desk.rejected(adapter.id, 'badSignature');
      return reply(res, 401, { error: 'bad signature' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      this.desk.rejected(adapter.id, 'badJson');
      return reply(res, 400, { error: `bad JSON: ${(err as Error).message.slice(0, 160)}` });
    }
    let result: AcceptResult;
    try {
      const meaning = adapter.interpret(body, req.headers);
      if (meaning.kind === 'ignored') {
        this.desk.ignored(adapter.id);
        return reply(res, 200, { status: 'ignored', reason: meaning.reason });
      }
      result = await this.desk.accept(meaning.input, adapter);
    } catch (err) {
      if (err instanceof OrderInputError) {
        this.desk.rejected(adapter.id, 'missingFields');
        return reply(res, 400, { error: err.message });
      }
      this.desk.rejected(adapter.id, 'unavailable');
      res.setHeader('Retry-After', '5');
      return reply(res, 503, { error: 'the order journal is not writable; deliver again later' });
    }
    reply(res, 200, result.flags.length ? { status: result.status, orderId: result.orderId, flags: result.flags } : { status: result.status, orderId: result.orderId });
  }

  /**
   * Answers without reading the body, then closes the connection: reading a body we
   * refuse would cost what the limit is there to save. The socket is ended after
   * the answer is flushed, and unread input is discarded for a moment so that the
   * sender reads the answer instead of a reset.
   */
  private refuseUnread(req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
    res.shouldKeepAlive = false;
    res.setHeader('Connection', 'close');
    reply(res, status, { error });
    req.removeAllListeners('data');
    req.on('data', () => undefined);
    res.on('finish', () => {
      const timer = setTimeout(() => req.socket.destroy(), 500);
      req.socket.once('close', () => clearTimeout(timer));
      req.socket.end();
    });
  }
}

function reply(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
