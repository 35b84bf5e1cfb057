// Polls an HTTP endpoint for new orders: GET <url>?<cursorParam>=<cursor> every
// interval, reads the orders and the next cursor out of the JSON answer, and moves
// the cursor only once every order of the page is durable in the journal. The cursor
// is kept in a small file beside the journal, so a restart resumes where the
// studio stopped; a page seen twice is harmless (dedupe by order id).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANONICAL_MAPPING, getPath, type FieldMapping } from '../fieldMapping';
import { Backoff, type BackoffOptions } from './backoff';
import { deliver, safeOrigin, sleep, type FeedSink, type FeedState, type OrderFeed } from './feedSink';

export interface PollingFeedConfig {
  readonly kind: 'poll';
  readonly id: string;
  readonly url: string;
  readonly store?: string;
  /** Between polls when the last one brought nothing new (default 2000). */
  readonly intervalMs?: number;
  /** Query parameter carrying the cursor (default `since`). */
  readonly cursorParam?: string;
  /** Path of the orders array in the answer (default `orders`). */
  readonly itemsPath?: string;
  /** Path of the next cursor in the answer (default `cursor`). */
  readonly cursorPath?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly mapping?: FieldMapping;
  readonly backoff?: BackoffOptions;
}

const REQUEST_TIMEOUT_MS = 10_000;

export class PollingFeed implements OrderFeed {
  readonly kind = 'poll';
  private current: FeedState = 'idle';
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly backoff: Backoff;
  private cursor: string | null;
  private readonly cursorFile: string;

  constructor(
    private readonly config: PollingFeedConfig,
    private readonly sink: FeedSink,
    stateDir: string,
  ) {
    new URL(config.url);
    this.backoff = new Backoff(config.backoff);
    this.cursorFile = join(stateDir, `cursor-${config.id}.json`);
    this.cursor = readCursor(this.cursorFile);
  }

  get id(): string {
    return this.config.id;
  }

  state(): FeedState {
    return this.current;
  }

  /** The last cursor whose orders are all journaled. */
  get position(): string | null {
    return this.cursor;
  }

  start(): void {
    if (this.loop) throw new Error(`polling feed ${this.id} is already started`);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.current = 'stopped';
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let wait = this.config.intervalMs ?? 2000;
      try {
        this.current = this.current === 'idle' ? 'connecting' : this.current;
        const more = await this.pollOnce();
        this.current = 'live';
        this.backoff.reset();
        if (more) wait = 0;
      } catch (err) {
        if (signal.aborted) break;
        this.current = 'waiting';
        wait = this.backoff.next();
        this.sink.logger.warn(`feed ${this.id}: ${safeOrigin(this.config.url)}: ${(err as Error).message}; next try in ${wait} ms`);
      }
      await sleep(wait, signal);
    }
  }

  /** One page; true when it moved the cursor and brought orders (ask again at once). */
  private async pollOnce(): Promise<boolean> {
    const url = new URL(this.config.url);
    if (this.cursor !== null) url.searchParams.set(this.config.cursorParam ?? 'since', this.cursor);
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    const res = await fetch(url, { headers: { Accept: 'application/json', ...this.config.headers }, signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      this.sink.rejected('badJson');
      throw new Error('the answer is not JSON');
    }
    const items = getPath(body, this.config.itemsPath ?? 'orders');
    if (!Array.isArray(items)) throw new Error(`the answer has no array at ${this.config.itemsPath ?? 'orders'}`);
    const outcomes = await Promise.all(items.map((item) => deliver(this.sink, item, this.config.mapping ?? CANONICAL_MAPPING)));
    // Hold the cursor if the journal refused anything: the page is asked again.
    if (outcomes.includes('unavailable')) throw new Error('the journal refused orders; the page will be asked again');
    const next = getPath(body, this.config.cursorPath ?? 'cursor');
    const nextCursor = typeof next === 'string' || typeof next === 'number' ? String(next) : null;
    if (nextCursor === null || nextCursor === this.cursor) return false;
    this.cursor = nextCursor;
    writeCursor(this.cursorFile, nextCursor);
    return items.length > 0;
  }
}

function readCursor(file: string): string | null {
  try {
    const value = (JSON.parse(readFileSync(file, 'utf8')) as { cursor?: unknown }).cursor;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

function writeCursor(file: string, cursor: string): void {
  // Write then rename: a crash leaves the old cursor or the new, never half of one.
  writeFileSync(`${file}.tmp`, JSON.stringify({ cursor }));
  renameSync(`${file}.tmp`, file);
}
