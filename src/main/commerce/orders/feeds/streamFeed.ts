// A push feed the studio connects to: a WebSocket (ws:, wss:) or Server-Sent Events
// (http:, https:) endpoint that sends one JSON order (or an array of them) per
// message. It reconnects with backoff for as long as it runs; for SSE it resends the
// last event id (Last-Event-ID), and either way redelivered orders are deduplicated
// by the desk.
import WebSocket from 'ws';
import { CANONICAL_MAPPING, type FieldMapping } from '../fieldMapping';
import { Backoff, type BackoffOptions } from './backoff';
import { deliver, parseMessages, safeOrigin, sleep, type FeedSink, type FeedState, type OrderFeed } from './feedSink';

export interface StreamFeedConfig {
  readonly kind: 'stream';
  readonly id: string;
  readonly url: string;
  readonly store?: string;
  /** Sent when connecting (an Authorization token, say); values are secrets. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly mapping?: FieldMapping;
  readonly backoff?: BackoffOptions;
}

/** A connection that stayed up this long earns a fresh backoff. */
const STABLE_MS = 10_000;

export class StreamFeed implements OrderFeed {
  readonly kind = 'stream';
  private current: FeedState = 'idle';
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly backoff: Backoff;
  private readonly mapping: FieldMapping;
  private lastEventId: string | null = null;
  private socket: WebSocket | null = null;

  constructor(
    private readonly config: StreamFeedConfig,
    private readonly sink: FeedSink,
  ) {
    const scheme = new URL(config.url).protocol;
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(scheme)) throw new Error(`stream feed ${config.id}: use a ws:, wss:, http: or https: URL`);
    this.backoff = new Backoff(config.backoff);
    this.mapping = config.mapping ?? CANONICAL_MAPPING;
  }

  get id(): string {
    return this.config.id;
  }

  state(): FeedState {
    return this.current;
  }

  start(): void {
    if (this.loop) throw new Error(`stream feed ${this.id} is already started`);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.socket?.terminate();
    await this.loop;
    this.current = 'stopped';
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const ws = /^wss?:/.test(this.config.url);
    while (!signal.aborted) {
      this.current = 'connecting';
      const since = performance.now();
      try {
        await (ws ? this.runWebSocket() : this.runEventSource());
        if (!signal.aborted) this.sink.logger.warn(`feed ${this.id}: ${safeOrigin(this.config.url)} closed the stream`);
      } catch (err) {
        if (!signal.aborted) this.sink.logger.warn(`feed ${this.id}: ${safeOrigin(this.config.url)}: ${(err as Error).message}`);
      }
      if (signal.aborted) break;
      if (performance.now() - since > STABLE_MS) this.backoff.reset();
      this.current = 'waiting';
      await sleep(this.backoff.next(), signal);
    }
  }

  private runWebSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.config.url, { headers: { ...this.config.headers }, handshakeTimeout: 10_000 });
      this.socket = socket;
      socket.on('open', () => {
        this.current = 'live';
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) return this.sink.rejected('badJson');
        this.backoff.reset();
        for (const m of parseMessages(this.sink, data.toString())) void deliver(this.sink, m, this.mapping);
      });
      socket.on('error', (err) => reject(err));
      socket.on('close', () => resolve());
    });
  }

  private async runEventSource(): Promise<void> {
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...this.config.headers };
    if (this.lastEventId !== null) headers['Last-Event-ID'] = this.lastEventId;
    const res = await fetch(this.config.url, { headers, signal: this.abort.signal });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    this.current = 'live';
    const decoder = new TextDecoder();
    let pending = '';
    let data: string[] = [];
    let event = '';
    for await (const chunk of res.body) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      // Events are lines, ended by an empty line (HTML Living Standard §9.2.6).
      while ((nl = pending.search(/\r\n|\r|\n/)) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + (pending.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (data.length > 0 && (event === '' || event === 'message' || event === 'order')) {
            this.backoff.reset();
            for (const m of parseMessages(this.sink, data.join('\n'))) void deliver(this.sink, m, this.mapping);
          }
          data = [];
          event = '';
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
      }
    }
  }
}
