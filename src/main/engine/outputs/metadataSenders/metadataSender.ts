// Out-of-band delivery of commerce metadata (issue 4 "Out of band"): one sender per
// destination, attached after the MetadataStage like any output. It reads the
// changes that `frame.metadata` lists and ignores the media. The pipeline here is
// shared by every kind of sender (webhook, IVS PutMetadata); a RequestBuilder says
// what one call looks like. Rules, in the order a message meets them:
//   1. too big for the platform (maxBytes) → refused, counted, logged once per kind;
//   2. queued in order; while the call limit holds messages back, a newer message of
//      a kind replaces the older one (never for explaining started/ended);
//   3. at most maxPerSecond calls in any 1 s (retries count: the platform counts calls);
//   4. one call at a time, so messages arrive in order; 5xx, 429, timeouts and network
//      errors are retried with backoff, other 4xx are not.
// onFrame never waits and never throws: a failing endpoint never touches the stream.
import { randomUUID } from 'node:crypto';
import type { CommerceMetadata, CommerceMetadataKind } from '../../../../shared/commerceMetadata';
import type { Logger } from '../../logger';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, EncodedVideoFrame, VideoConfig } from '../../media/packets';
import { formatDelay, redactSecret, redactUrls } from '../../redact';
import { ReconnectBackoff } from '../rtmp/reconnectBackoff';
import { CallRateLimiter } from './callRateLimiter';
import { DeliveryQueue, type PendingDelivery } from './deliveryQueue';
import { defaultClassify, postOnce, type AttemptOutcome, type ClassifyError, type SenderRequest } from './httpAttempt';

export type MetadataSenderState = 'idle' | 'ok' | 'retrying' | 'failing';

export interface MetadataSenderStats {
  readonly state: MetadataSenderState;
  /** Messages delivered (a 2xx answer). */
  readonly sent: number;
  /** Messages given up: a 4xx other than 429, or maxAttempts spent. */
  readonly failed: number;
  /** Attempts after the first, over all messages. */
  readonly retries: number;
  /** Older messages replaced by a newer one of the same kind while held back. */
  readonly coalesced: number;
  /** Messages refused, never sent, because their payload was over maxBytes. */
  readonly refusedOversize: number;
  /** Messages evicted because the queue was full. */
  readonly dropped: number;
  readonly queueDepth: number;
  /** Operator-facing and secret-free: URLs are cut to scheme://host. */
  readonly lastError: string | null;
  /** Wall-clock ms of the last delivery, or null. */
  readonly lastSentAt: number | null;
}

export interface RetrySettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Attempts per message, the first included. */
  readonly maxAttempts: number;
}

export interface MetadataSenderOptions {
  /** The destination's name as the operator sees it ("Shop webhook"). */
  readonly name: string;
  readonly logger: Logger;
  /** Calls in any 1 s window (default 5: IVS PutMetadata's per-channel limit). */
  readonly maxPerSecond?: number;
  /** Largest payload in UTF-8 bytes (default 1024: IVS PutMetadata, TRTC SEI). */
  readonly maxBytes?: number;
  /** One attempt, connect to answer (default 3000). */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetrySettings>;
  /** Messages waiting at most (default 256). */
  readonly maxQueue?: number;
}

/** What every message becomes before a builder encodes it. */
export interface MetadataEnvelope {
  readonly v: 1;
  readonly destination: string;
  /**
   * Presentation time of the access unit that carried the change, in ms from this
   * sender's timeline origin: the dtsMs of the first frame it saw after start() —
   * the same origin RtmpPublisher uses, so a publisher started with it agrees.
   */
  readonly programTimeMs: number;
  /** Programme frame number of that access unit (message.frame is the one it was scheduled for). */
  readonly frame: number;
  /** Wall-clock time of the change (message.wallTimeMs), ms since the Unix epoch. */
  readonly wallTimeMs: number;
  readonly message: CommerceMetadata;
}

/** The part that differs between a webhook and a platform API. */
export interface RequestBuilder {
  /** Where calls go, as the operator may read it: scheme://host, nothing secret. */
  readonly target: string;
  /** Strings to mask in every log line and error (secrets, keys, tokens). */
  readonly secrets: readonly string[];
  /** The text the size limit applies to. `sentAtMs` is the attempt's wall-clock time. */
  payload(envelope: MetadataEnvelope, sentAtMs: number): string;
  request(payload: string, delivery: { readonly id: string; readonly sentAtMs: number }): SenderRequest;
  readonly classify?: ClassifyError;
}

export const DEFAULT_RETRY: RetrySettings = { initialDelayMs: 500, maxDelayMs: 8000, maxAttempts: 5 };
/** stop() waits at most this long for an aborted call to wind down. */
const STOP_WAIT_MS = 1000;

export class MetadataSender implements EncodedStreamSink {
  private readonly log: Logger;
  private readonly builder: RequestBuilder | null;
  private readonly configError: string | null;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly retry: RetrySettings;
  private readonly limiter: CallRateLimiter;
  private readonly queue: DeliveryQueue;
  private readonly backoff: ReconnectBackoff;
  private readonly stateListeners = new Set<(state: MetadataSenderState) => void>();
  private readonly oversizeLogged = new Set<CommerceMetadataKind>();
  private stateValue: MetadataSenderState = 'idle';
  private running = false;
  private originMs: number | null = null;
  private stopController = new AbortController();
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** No call before this time (backoff after a failure, or a 429's Retry-After). */
  private nextAttemptAt = 0;
  /** A message was given up since the last delivery: the state stays 'failing' until one succeeds. */
  private gaveUp = false;
  private drainWaiters: (() => void)[] = [];
  private counts = { sent: 0, failed: 0, retries: 0, coalesced: 0, refusedOversize: 0, dropped: 0 };
  private lastErrorText: string | null = null;
  private lastSentAt: number | null = null;

  /**
   * `builder` is null when the configuration is unusable; `configError` then says
   * why, and start() reports it instead of sending anything.
   */
  protected constructor(
    private readonly label: string,
    private readonly options: MetadataSenderOptions,
    builder: RequestBuilder | { readonly error: string },
  ) {
    const settingsError = checkSettings(options);
    this.builder = 'error' in builder || settingsError ? null : builder;
    this.configError = 'error' in builder ? builder.error : settingsError;
    this.log = options.logger.child(`${label.toLowerCase()} ${options.name}`);
    this.maxBytes = options.maxBytes ?? 1024;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.limiter = new CallRateLimiter(settingsError ? 1 : (options.maxPerSecond ?? 5));
    this.queue = new DeliveryQueue(settingsError ? 1 : (options.maxQueue ?? 256));
    this.backoff = new ReconnectBackoff(this.retry);
  }

  get state(): MetadataSenderState {
    return this.stateValue;
  }

  /** The input dtsMs that programTimeMs counts from, or null before the first frame. */
  get timelineOriginMs(): number | null {
    return this.originMs;
  }

  onState(cb: (state: MetadataSenderState) => void): () => void {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  stats(): MetadataSenderStats {
    return { state: this.stateValue, ...this.counts, queueDepth: this.queue.size, lastError: this.lastErrorText, lastSentAt: this.lastSentAt };
  }

  /** Starts taking messages from frames. A bad configuration is reported here, as state 'failing'. */
  start(): void {
    if (this.running) return;
    if (!this.builder) {
      this.report(this.configError ?? 'not configured');
      this.setState('failing');
      return;
    }
    this.running = true;
    this.stopController = new AbortController();
    this.originMs = null;
    this.nextAttemptAt = 0;
    this.gaveUp = false;
    this.counts = { sent: 0, failed: 0, retries: 0, coalesced: 0, refusedOversize: 0, dropped: 0 };
    this.oversizeLogged.clear();
    this.backoff.reset();
    this.setState('ok');
  }

  /**
   * Stops sending. With `drainMs`, first waits up to that long for the queue to empty
   * (the last "explaining ended" of a show); then aborts the call in flight and drops
   * what is left. Resolves within drainMs + ~1 s, whatever the endpoint does.
   */
  async stop(options: { readonly drainMs?: number } = {}): Promise<void> {
    if (!this.running) {
      if (this.stateValue === 'failing') this.setState('idle');
      return;
    }
    const drainMs = options.drainMs ?? 0;
    if (drainMs > 0 && (this.queue.size > 0 || this.inFlight)) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, drainMs);
        this.drainWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const left = this.queue.clear();
    if (left > 0) this.log.info(`stopped with ${left} message(s) undelivered`);
    this.stopController.abort();
    const inFlight = this.inFlight;
    if (inFlight) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([inFlight, new Promise<void>((resolve) => (t = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(t);
    }
    this.notifyDrained();
    this.setState('idle');
  }

  onConfig(_video: VideoConfig, _audio: AudioConfig): void {
    // Media configuration means nothing to an out-of-band sender.
  }

  onFrame(frame: EncodedFrame): void {
    if (!this.running) return;
    try {
      this.originMs ??= frame.dtsMs;
      if (frame.type !== 'video' || !frame.metadata || frame.metadata.length === 0) return;
      for (const message of frame.metadata) this.enqueue(message, frame);
      this.pump();
    } catch (err) {
      // A bug here must cost a message, never a frame of the stream.
      this.report(`internal error, message skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private enqueue(message: CommerceMetadata, frame: EncodedVideoFrame): void {
    const item: PendingDelivery = {
      id: randomUUID(),
      kind: message.kind,
      message,
      programTimeMs: Math.round(frame.ptsMs - (this.originMs ?? frame.dtsMs)),
      frame: frame.frame,
      attempts: 0,
    };
    const size = Buffer.byteLength(this.builder!.payload(this.envelope(item), Date.now()), 'utf8');
    if (size > this.maxBytes) {
      this.counts.refusedOversize++;
      if (!this.oversizeLogged.has(message.kind)) {
        this.oversizeLogged.add(message.kind);
        this.log.warn(`refused a ${size}-byte ${message.kind} message: the limit is ${this.maxBytes} bytes (later ones of this kind are only counted)`);
      }
      return;
    }
    const { coalesced, evicted } = this.queue.push(item);
    this.counts.coalesced += coalesced;
    if (evicted) {
      this.counts.dropped++;
      this.log.warn(`queue full: dropped a ${evicted.kind} message of frame ${evicted.frame}`);
    }
  }

  private envelope(item: PendingDelivery): MetadataEnvelope {
    return {
      v: 1,
      destination: this.options.name,
      programTimeMs: item.programTimeMs,
      frame: item.frame,
      wallTimeMs: item.message.wallTimeMs,
      message: item.message,
    };
  }

  /** Sends the next message if the limits allow, else sets a timer for when they will. */
  private pump(): void {
    if (!this.running || this.inFlight || this.timer) return;
    if (this.queue.size === 0) {
      this.notifyDrained();
      return;
    }
    const now = Date.now();
    const wait = Math.max(this.nextAttemptAt - now, this.limiter.waitMs(now));
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    const item = this.queue.shift()!;
    this.limiter.take(now);
    this.inFlight = this.attempt(item).finally(() => {
      this.inFlight = null;
      this.pump();
    });
  }

  private async attempt(item: PendingDelivery): Promise<void> {
    const builder = this.builder!;
    item.attempts++;
    if (item.attempts > 1) this.counts.retries++;
    let outcome: AttemptOutcome;
    try {
      const sentAtMs = Date.now();
      const request = builder.request(builder.payload(this.envelope(item), sentAtMs), { id: item.id, sentAtMs });
      outcome = await postOnce(request, { timeoutMs: this.timeoutMs, stopSignal: this.stopController.signal, classify: builder.classify ?? defaultClassify });
    } catch (err) {
      outcome = { delivered: false, retry: false, reason: `could not build the request: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!this.running || (!outcome.delivered && outcome.stopped)) return;
    if (outcome.delivered) {
      this.counts.sent++;
      this.lastSentAt = Date.now();
      this.nextAttemptAt = 0;
      this.backoff.reset();
      this.gaveUp = false;
      this.setState('ok');
      return;
    }
    const what = `${item.kind} message (frame ${item.frame})`;
    if (outcome.retry && item.attempts < this.retry.maxAttempts) {
      const delay = outcome.retryAfterMs ?? this.backoff.next();
      this.nextAttemptAt = Date.now() + delay;
      this.queue.unshift(item);
      this.report(`${builder.target} ${outcome.reason}; retrying the ${what} in ${formatDelay(delay)} (attempt ${item.attempts + 1} of ${this.retry.maxAttempts})`);
      if (!this.gaveUp) this.setState('retrying');
      return;
    }
    // Later messages still wait out the backoff: the endpoint is failing, not the message.
    if (outcome.retry) this.nextAttemptAt = Date.now() + this.backoff.next();
    this.counts.failed++;
    this.gaveUp = true;
    const after = outcome.retry ? ` after ${item.attempts} attempts` : '';
    this.report(`${builder.target} ${outcome.reason}; gave up on the ${what}${after}`, 'error');
    this.setState('failing');
  }

  private notifyDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private report(message: string, level: 'warn' | 'error' = 'warn'): void {
    let text = `${this.label} "${this.options.name}": ${message}`;
    for (const secret of this.builder?.secrets ?? []) text = redactSecret(text, secret);
    text = redactUrls(text);
    this.lastErrorText = text;
    this.log[level](text);
  }

  private setState(state: MetadataSenderState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const cb of this.stateListeners) cb(state);
  }
}

function checkSettings(o: MetadataSenderOptions): string | null {
  const whole = (v: number | undefined, min: number): boolean => v === undefined || (Number.isInteger(v) && v >= min);
  if (!whole(o.maxPerSecond, 1)) return `calls per second must be a whole number ≥ 1, got ${o.maxPerSecond}`;
  if (!whole(o.maxBytes, 64)) return `the size limit must be a whole number of bytes ≥ 64, got ${o.maxBytes}`;
  if (!whole(o.timeoutMs, 1)) return `the timeout must be a whole number of ms ≥ 1, got ${o.timeoutMs}`;
  if (!whole(o.maxQueue, 1)) return `the queue size must be a whole number ≥ 1, got ${o.maxQueue}`;
  const r = o.retry ?? {};
  if (!whole(r.maxAttempts, 1) || !whole(r.initialDelayMs, 0) || !whole(r.maxDelayMs, 0)) return 'retry settings must be whole numbers (maxAttempts ≥ 1)';
  return null;
}
