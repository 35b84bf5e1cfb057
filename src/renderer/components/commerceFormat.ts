// How the rundown, orders and teleprompter views put main's commerce figures into
// words. Pure functions, unit-tested without a page (commerceFormat.test.ts).
import type { OnAirSegment, OrdersInfo, RundownSegmentSummary, SkuSales } from '../../shared/commerceModel';
import { formatCountdown, isPromoActive } from '../../shared/rundown';

/** Elapsed time on air: "0:07", "12:34", "1:02:03" — a clock, never rounded up. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A target duration as a rundown shows it: "5:00", "1:30:00". */
export function formatDuration(sec: number): string {
  return formatElapsed(sec * 1000);
}

export interface SegmentTiming {
  readonly elapsedMs: number;
  /** Negative once the segment runs over its target. */
  readonly remainingMs: number;
  readonly over: boolean;
}

export function segmentTiming(onAir: Pick<OnAirSegment, 'takenAtMs'>, targetDurationSec: number, nowMs: number): SegmentTiming {
  const elapsedMs = Math.max(0, nowMs - onAir.takenAtMs);
  const remainingMs = targetDurationSec * 1000 - elapsedMs;
  return { elapsedMs, remainingMs, over: remainingMs < 0 };
}

/** "4:12 left", or "+0:32 over" once past the target: what a floor manager signals. */
export function formatRemaining(t: SegmentTiming): string {
  return t.over ? `+${formatElapsed(-t.remainingMs)} over` : `${formatElapsed(t.remainingMs)} left`;
}

export interface PriceNow {
  /** What a buyer pays now. */
  readonly price: number;
  /** The regular price, struck through, while a promo runs. */
  readonly was: number | null;
  /** "ENDS IN 04:59" while a timed promo runs. */
  readonly countdown: string | null;
}

/**
 * The price on air for a segment: its promo price while the promo runs (the fixed
 * end or the take plus the flash sale, as main computed it in `promoEndsAtMs`).
 */
export function priceNow(segment: Pick<RundownSegmentSummary, 'price' | 'promoPrice'>, promoEndsAtMs: number | null, nowMs: number): PriceNow {
  const promo = { promoPrice: segment.promoPrice ?? undefined };
  if (segment.promoPrice === null || !isPromoActive(promo, nowMs, promoEndsAtMs ?? undefined)) {
    return { price: segment.price, was: null, countdown: null };
  }
  return {
    price: segment.promoPrice,
    was: segment.price,
    countdown: promoEndsAtMs === null ? null : formatCountdown(promoEndsAtMs - nowMs),
  };
}

/** Sales of one SKU, SKUs compared without case as the rundown does. */
export function salesOf(orders: Pick<OrdersInfo, 'perSku'>, sku: string): SkuSales | undefined {
  const key = sku.toLowerCase();
  return orders.perSku.find((s) => s.sku.toLowerCase() === key);
}

export interface StockLevel {
  readonly left: number;
  /** 0..1 of the stock at the start. */
  readonly fraction: number;
  /** Same thresholds as the on-air card's stock bar (docs/rundown.md): amber from 30 % or 5 left, red at 10 %. */
  readonly level: 'ok' | 'low' | 'critical' | 'soldOut';
}

export function stockLevel(left: number, atStart: number): StockLevel {
  const clamped = Math.max(0, left);
  const fraction = atStart > 0 ? Math.min(1, clamped / atStart) : 0;
  let level: StockLevel['level'] = 'ok';
  if (clamped === 0) level = 'soldOut';
  else if (fraction <= 0.1) level = 'critical';
  else if (fraction <= 0.3 || clamped <= 5) level = 'low';
  return { left: clamped, fraction, level };
}

/** Counts as a ticker reads them: 1,234 and 12.3k. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (Math.abs(n) >= 100_000) return `${(n / 1000).toFixed(0)}k`;
  if (Math.abs(n) >= 10_000) return `${(n / 1000).toFixed(1)}k`;
  return Math.round(n).toLocaleString('en');
}

/** Orders per minute with one decimal under ten, so a slow trickle does not read as 0. */
export function formatRate(perMinute: number): string {
  return perMinute < 10 ? perMinute.toFixed(1) : String(Math.round(perMinute));
}
