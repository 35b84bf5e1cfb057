// What a feed (WebSocket/SSE client, poller, replay, simulator) is given by the desk:
// the same accept() path as the webhook, minus the signature check, with the
// feed's id and dedupe scope bound in, and a counter for what it had to reject.
import { mapOrder, type FieldMapping } from '../fieldMapping';
import type { AcceptResult, OrderInput, OrderLogger } from '../order';
import { OrderInputError } from '../order';
import type { RejectReason } from '../webhookReceiver';

export interface FeedSink {
  accept(input: OrderInput): Promise<AcceptResult>;
  rejected(reason: RejectReason): void;
  readonly logger: OrderLogger;
}

export type FeedState = 'idle' | 'connecting' | 'live' | 'waiting' | 'done' | 'stopped';

export interface OrderFeed {
  readonly id: string;
  readonly kind: string;
  start(): void;
  stop(): Promise<void>;
  state(): FeedState;
}

export type DeliveryOutcome = AcceptResult['status'] | 'rejected' | 'unavailable';

/**
 * Maps one message and hands it to the desk. Never throws: a bad message is counted
 * and logged (without its content: it may carry buyer data), a journal failure is
 * reported so the caller can hold its cursor.
 */
export async function deliver(sink: FeedSink, message: unknown, mapping: FieldMapping): Promise<DeliveryOutcome> {
  let input: OrderInput;
  try {
    input = mapOrder(message, mapping);
  } catch (err) {
    sink.rejected('missingFields');
    sink.logger.warn(`order refused: ${(err as Error).message}`);
    return 'rejected';
  }
  try {
    return (await sink.accept(input)).status;
  } catch (err) {
    if (err instanceof OrderInputError) {
      sink.rejected('missingFields');
      sink.logger.warn(`order refused: ${err.message}`);
      return 'rejected';
    }
    sink.rejected('unavailable');
    return 'unavailable';
  }
}

/** Parses a message's text: one order object or an array of them. */
export function parseMessages(sink: FeedSink, text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    sink.rejected('badJson');
    sink.logger.warn(`message refused: not JSON (${text.length} bytes)`);
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** scheme://host only: feed URLs may carry tokens in their path or query. */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
