// What the control room's metadata timeline shows (issue 4 "UI"): every commerce
// metadata change from the moment it is requested until its access unit went through
// the mux stage, with the carriers it went out on. It watches the stage's output like
// any destination does, so "sent" means the frame really left the stage.
import type { CommerceMetadata } from '../../shared/commerceMetadata';
import type { MetadataTimelineEntry } from '../../shared/model';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, VideoConfig } from '../engine/media/packets';

/** How many changes the timeline keeps. */
export const TIMELINE_LENGTH = 100;

export interface CarrierCounts {
  readonly destinations: number;
  readonly cuePoints: number;
  readonly webhooks: number;
}

type MutableEntry = { -readonly [K in keyof MetadataTimelineEntry]: MetadataTimelineEntry[K] };

export class MetadataTimeline implements EncodedStreamSink {
  private readonly entries: MutableEntry[] = [];
  private seq = 0;
  private seiCarried = true;

  /** `carriers` says, when a change goes out, which live destinations carry it how. */
  constructor(
    private readonly carriers: () => CarrierCounts,
    private readonly onChange: () => void,
  ) {}

  /** A change was scheduled for its programme frame. */
  requested(message: CommerceMetadata): void {
    this.entries.push({
      seq: ++this.seq,
      kind: message.kind,
      summary: summarize(message),
      frame: message.frame,
      requestedAtMs: message.wallTimeMs,
      state: 'pending',
      ptsMs: null,
      destinations: 0,
      cuePoints: 0,
      webhooks: 0,
    });
    if (this.entries.length > TIMELINE_LENGTH) this.entries.shift();
    this.onChange();
  }

  entriesSnapshot(): MetadataTimelineEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  onConfig(video: VideoConfig, _audio: AudioConfig): void {
    this.seiCarried = video.codec !== 'av1';
  }

  onFrame(frame: EncodedFrame): void {
    if (frame.type !== 'video' || !frame.metadata) return;
    const counts = this.carriers();
    for (const message of frame.metadata) {
      // Oldest pending entry for this frame and kind: requests for one frame go out in order.
      const entry = this.entries.find((e) => e.state === 'pending' && e.frame === message.frame && e.kind === message.kind && e.requestedAtMs === message.wallTimeMs);
      if (!entry) continue;
      entry.state = !this.seiCarried ? 'noSei' : frame.frame === message.frame ? 'sent' : 'late';
      entry.ptsMs = frame.ptsMs;
      entry.destinations = counts.destinations;
      entry.cuePoints = counts.cuePoints;
      entry.webhooks = counts.webhooks;
    }
    this.onChange();
  }
}

/** One short line per change, in the operator's words. */
export function summarize(message: CommerceMetadata): string {
  switch (message.kind) {
    case 'product': {
      const p = message.product;
      if (!p) return 'product cleared';
      const price = p.promoPrice !== undefined ? `${p.promoPrice} (was ${p.price})` : `${p.price}`;
      return `${p.sku} ${p.title} — ${price} ${p.currency}${p.stock !== undefined ? `, ${p.stock} in stock` : ''}`;
    }
    case 'explaining':
      return `explaining ${message.explaining ?? 'changed'}${message.product ? `: ${message.product.sku}` : ''}`;
    case 'sales': {
      const s = message.sales;
      return s ? `${s.orders} orders, ${s.units} units, ${s.gmv} ${s.currency}` : 'sales';
    }
    case 'state':
      return message.program ? `on air: ${message.program.source}${message.program.layout ? ` (${message.program.layout})` : ''}` : 'state';
  }
}
