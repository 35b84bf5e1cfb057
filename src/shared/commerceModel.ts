// What clients see of the show's commerce side (issue 5): the rundown and what is on
// air, the teleprompter's shared settings, and the orders' aggregates. Part of every
// studio:state snapshot; the full rundown (scripts included) comes from rundown:get,
// fetched again when `revision` changes, so snapshots stay small.

export interface RundownSegmentSummary {
  readonly id: string;
  readonly sku: string;
  readonly title: string;
  readonly price: number;
  readonly promoPrice: number | null;
  readonly currency: string;
  /** Stock at the start of the show (the stock bar's 100 %). */
  readonly stock: number;
  /** The input (camera or layout) it is shown on, and that input's name. */
  readonly input: string;
  readonly inputName: string | null;
  readonly targetDurationSec: number;
  /** A thumbnail of its first image (served by the host), or null. */
  readonly thumbnailUrl: string | null;
  readonly flashSaleSec: number | null;
}

export interface OnAirSegment {
  readonly id: string;
  /** Programme frame on which the take went on air, and when. */
  readonly takenOnFrame: number;
  readonly takenAtMs: number;
  /** End of the running promo price (flash sale or fixed), or null. */
  readonly promoEndsAtMs: number | null;
}

export interface RundownInfo {
  /** Changes on every edit, import or reorder: refetch rundown:get. */
  readonly revision: number;
  readonly title: string;
  readonly segments: readonly RundownSegmentSummary[];
  /** On air now (explaining), or null before the first take / after ending. */
  readonly onAir: OnAirSegment | null;
  /** What Take (without an id) takes next. */
  readonly nextId: string | null;
  /** Product card and sales ticker shown on the programme. */
  /** Which on-air graphics are switched on (the product card, the sales ticker, new-order shout-outs). */
  readonly graphics: { readonly productCard: boolean; readonly salesTicker: boolean; readonly orderShoutOut: boolean };
}

export const teleprompterMaxSpeed = 600;
/** Starting with the speed at 0 would show nothing moving: start at a slow reading pace instead. */
export const teleprompterStartSpeed = 20;

export interface TeleprompterSettings {
  readonly mirror: boolean;
  /** Auto-scroll speed, lines per minute (0 to teleprompterMaxSpeed); 0 = stopped. */
  readonly speed: number;
  readonly running: boolean;
  /** Text size in CSS px at the teleprompter. */
  readonly fontSizePx: number;
  /** The latest jump request (to a marker of the on-air script), numbered so repeats count. */
  readonly jump: { readonly seq: number; readonly marker: string } | null;
  /** The director's short message to the host ("stretch 30 s"), or null. */
  readonly message: { readonly text: string; readonly atMs: number } | null;
}

export interface SkuSales {
  readonly sku: string;
  readonly title: string | null;
  readonly units: number;
  /** Orders with this SKU in the last 60 s. */
  readonly perMinute: number;
  readonly revenue: number;
  /** Stock at start minus units sold; null for SKUs not in the rundown. */
  readonly stockLeft: number | null;
}

export interface TickerOrder {
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  /** Already masked ("W***g, Hangzhou"): buyer names never reach clients in full. */
  readonly buyer: string;
  readonly atMs: number;
  readonly unknownSku: boolean;
}

export interface OrdersInfo {
  readonly currency: string;
  readonly orders: number;
  readonly units: number;
  readonly gmv: number;
  /** Orders in the last 60 s. */
  readonly perMinute: number;
  readonly perSku: readonly SkuSales[];
  /** Units and revenue while each segment was on air. */
  readonly perSegment: readonly { readonly segmentId: string; readonly orders: number; readonly units: number; readonly revenue: number }[];
  /** Newest first. */
  readonly latest: readonly TickerOrder[];
  readonly rejected: { readonly badSignature: number; readonly badRequest: number; readonly tooLarge: number };
  readonly duplicates: number;
  readonly unknownSku: number;
  /** Where the order webhooks listen, as a template: http://127.0.0.1:PORT/orders/{adapter}; null when off. */
  readonly receiverUrl: string | null;
  readonly adapters: readonly { readonly id: string; readonly kind: string; readonly state: string; readonly lastError: string | null }[];
  /** Orders arrive from the rehearsal simulator. */
  readonly simulating: boolean;
}

export interface CommerceInfo {
  readonly rundown: RundownInfo;
  readonly teleprompter: TeleprompterSettings;
  readonly orders: OrdersInfo;
}
