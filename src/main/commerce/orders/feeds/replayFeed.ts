// Replays a recorded order file into the desk, at its recorded pace or N× faster:
// rehearsing a show with the orders of a past one. Two formats:
// - CSV with a header row: at, orderId, sku, quantity, unitPrice, currency,
//   buyerName, buyerCity (any order; at, buyerName and buyerCity optional).
//   Consecutive rows with the same orderId are the lines of one order.
// - JSONL: one order per line in the studio's shape (or `mapping`), with `at`.
// `at` is ms since the epoch or an ISO date; only the gaps between orders matter.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CANONICAL_MAPPING, getPath, type FieldMapping } from '../fieldMapping';
import { deliver, sleep, type FeedSink, type FeedState, type OrderFeed } from './feedSink';

export interface ReplayFeedConfig {
  readonly kind: 'replay';
  readonly id: string;
  readonly file: string;
  readonly store?: string;
  /** 1 = recorded pace, 10 = ten times faster, Infinity = as fast as possible. */
  readonly speed?: number;
  /** Put before every order id, so replaying a file again counts its orders again. */
  readonly orderIdPrefix?: string;
  /** JSONL only. */
  readonly mapping?: FieldMapping;
  /** JSONL only: path of the time field (default `at`). */
  readonly timePath?: string;
}

interface Timed {
  readonly at: number | null;
  readonly message: Record<string, unknown>;
}

export class ReplayFeed implements OrderFeed {
  readonly kind = 'replay';
  private current: FeedState = 'idle';
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly items: Timed[];
  private sent = 0;
  private readonly mapping: FieldMapping;

  constructor(
    private readonly config: ReplayFeedConfig,
    private readonly sink: FeedSink,
  ) {
    const text = readFileSync(config.file, 'utf8');
    const csv = extname(config.file).toLowerCase() === '.csv';
    this.items = csv ? readCsvOrders(text) : readJsonl(text, config.timePath ?? 'at');
    this.mapping = csv ? CANONICAL_MAPPING : (config.mapping ?? CANONICAL_MAPPING);
  }

  get id(): string {
    return this.config.id;
  }

  state(): FeedState {
    return this.current;
  }

  get progress(): { sent: number; total: number } {
    return { sent: this.sent, total: this.items.length };
  }

  /** Resolves when the whole file has been delivered (and every order settled). */
  start(): Promise<void> {
    if (this.loop) throw new Error(`replay feed ${this.id} is already started`);
    this.loop = this.run();
    return this.loop;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.current = 'stopped';
  }

  private async run(): Promise<void> {
    this.current = 'live';
    const speed = this.config.speed ?? 1;
    const startedAt = performance.now();
    const firstAt = this.items.find((i) => i.at !== null)?.at ?? 0;
    const inFlight: Promise<unknown>[] = [];
    for (const item of this.items) {
      if (this.abort.signal.aborted) break;
      if (item.at !== null && Number.isFinite(speed) && speed > 0) {
        const due = startedAt + (item.at - firstAt) / speed;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait, this.abort.signal);
        if (this.abort.signal.aborted) break;
      }
      const message = this.config.orderIdPrefix ? withPrefix(item.message, this.mapping.orderId, this.config.orderIdPrefix) : item.message;
      inFlight.push(deliver(this.sink, message, this.mapping));
      this.sent += 1;
    }
    await Promise.all(inFlight);
    if (!this.abort.signal.aborted) this.current = 'done';
  }
}

function withPrefix(message: Record<string, unknown>, idPath: string, prefix: string): Record<string, unknown> {
  const id = getPath(message, idPath);
  // Only top-level id paths are rewritten; nested ones are left as recorded.
  return typeof id === 'string' || typeof id === 'number' ? (idPath.includes('.') ? message : { ...message, [idPath]: `${prefix}${id}` }) : message;
}

function parseTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || !value.trim()) return null;
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

function readJsonl(text: string, timePath: string): Timed[] {
  const out: Timed[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`replay file line ${i + 1}: not JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`replay file line ${i + 1}: not a JSON object`);
    out.push({ at: parseTime(getPath(value, timePath)), message: value as Record<string, unknown> });
  });
  return out;
}

type CsvColumn = 'at' | 'orderId' | 'sku' | 'quantity' | 'unitPrice' | 'currency' | 'buyerName' | 'buyerCity';
const CSV_REQUIRED = ['orderId', 'sku', 'unitPrice', 'currency'];

function readCsvOrders(text: string): Timed[] {
  const rows = parseCsv(text);
  const header = rows.shift()?.map((h) => h.trim());
  if (!header) return [];
  for (const col of CSV_REQUIRED) if (!header.includes(col)) throw new Error(`replay CSV: no ${col} column`);
  const col = (row: string[], name: CsvColumn) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : (row[i] ?? '').trim();
  };
  const out: { at: number | null; message: Record<string, unknown> & { lines: unknown[] } }[] = [];
  for (const row of rows) {
    if (row.length === 1 && row[0]!.trim() === '') continue;
    const orderId = col(row, 'orderId');
    const line = { sku: col(row, 'sku'), quantity: col(row, 'quantity') || '1', unitPrice: col(row, 'unitPrice') };
    const last = out[out.length - 1];
    if (last && last.message.orderId === orderId) {
      last.message.lines.push(line);
      continue;
    }
    const name = col(row, 'buyerName');
    const city = col(row, 'buyerCity');
    out.push({
      at: parseTime(col(row, 'at')),
      message: { orderId, currency: col(row, 'currency'), lines: [line], buyer: city ? { name, city } : { name } },
    });
  }
  return out;
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
