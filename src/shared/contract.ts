// The one contract between every client (renderer, headless host, scripts) and the
// Studio in main. Channel names are `domain:verb` (STYLE.md rule 3). Main parses
// every request's params with the schema here before acting on it.
import { z } from 'zod';
import { commerceMetadataSchema } from './commerceMetadata';
import { teleprompterMaxSpeed } from './commerceModel';
import { rundownSegmentSchema, type Rundown } from './rundown';
import type {
  AutoEncoderChoice,
  CanvasSettings,
  DeviceList,
  EncoderProbeResult,
  EncoderProbeSnapshot,
  LogEntry,
  StudioSnapshot,
  SwitcherState,
} from './model';

const id = z.string().min(1).max(64);
const name = z.string().trim().min(1).max(80);
const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must be #rrggbb');

export const sourceSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('testPattern'), name, color: hexColor, toneHz: z.number().min(0).max(20_000).default(440) }),
  z.object({ kind: z.literal('mediaFile'), name, path: z.string().min(1).max(4096) }),
  z.object({ kind: z.literal('networkFeed'), name, url: z.string().min(1).max(2048) }),
  z.object({
    kind: z.literal('captureDevice'),
    name,
    backend: z.enum(['v4l2', 'dshow', 'avfoundation', 'decklink']),
    device: z.string().min(1).max(512),
    audioDevice: z.string().min(1).max(512).optional(),
  }),
]);

export const canvasSchema = z
  .object({
    width: z.number().int().min(160).max(3840),
    height: z.number().int().min(160).max(3840),
    fps: z.union([z.literal(25), z.literal(30), z.literal(50), z.literal(60)]),
  })
  .refine((c) => c.width % 2 === 0 && c.height % 2 === 0, 'width and height must be even (4:2:0)')
  .refine((c) => c.width * c.height <= 3840 * 2160, 'at most 3840x2160 (or 2160x3840 portrait)');

export const encoderSettingsSchema = z.object({
  videoBitrateKbps: z.number().int().min(300).max(60_000),
  audioBitrateKbps: z.number().int().min(32).max(320),
  keyframeIntervalSec: z.number().min(0.5).max(10),
  x264Preset: z.enum(['auto', 'ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']),
  encoder: z.string().min(1).max(120).optional(),
  codec: z.enum(['h264', 'hevc', 'av1']).optional(),
  rateControl: z.enum(['cbr', 'vbr']).optional(),
  speedQuality: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)]).optional(),
  bFrames: z.boolean().optional(),
});

export const transitionSchema = z.object({
  kind: z.enum(['mix', 'dip']),
  durationMs: z.number().int().min(0).max(10_000),
  dipColor: hexColor.default('#000000'),
});

const empty = z.object({}).strict();

const httpUrl = z
  .string()
  .max(2048)
  .refine((u) => /^https?:\/\/[^\s/]+/i.test(u), 'must be an http:// or https:// URL');

/** Out-of-band metadata for a destination: a signed webhook, or Amazon IVS PutMetadata. */
export const metadataSenderSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('webhook'),
    url: httpUrl,
    /** HMAC-SHA256 key; never echoed back, never logged. Unsigned when absent. */
    secret: z.string().min(8).max(256).optional(),
    /** Calls per second at most (whole); 5 by default, IVS PutMetadata's limit. */
    maxPerSecond: z.number().int().min(1).max(100).optional(),
  }),
  z.object({
    kind: z.literal('ivs'),
    channelArn: z.string().regex(/^arn:aws:ivs:[a-z0-9-]+:\d{12}:channel\/[A-Za-z0-9]+$/, 'must be an IVS channel ARN (arn:aws:ivs:REGION:ACCOUNT:channel/ID)'),
    accessKeyId: z.string().min(16).max(128),
    /** Never echoed back, never logged. */
    secretAccessKey: z.string().min(16).max(128),
    maxPerSecond: z.number().int().min(1).max(5).optional(),
  }),
]);

/** Params schemas, one per request. */
export const requestSchemas = {
  'studio:getState': empty,
  'studio:getLog': empty,
  'source:add': z.object({ spec: sourceSpecSchema }),
  'source:remove': z.object({ id }),
  'source:restart': z.object({ id }),
  'devices:list': empty,
  'scene:add': z.object({ name, layout: z.enum(['pip', 'sideBySide']), sources: z.tuple([id, id]) }),
  'scene:remove': z.object({ id }),
  'switcher:preview': z.object({ input: id }),
  'switcher:cut': z.object({ input: id.optional() }),
  'switcher:auto': z.object({}).strict(),
  /** Fade programme to black, or back up, over the transition's duration. */
  'switcher:fadeToBlack': z.object({}).strict(),
  'switcher:setTransition': transitionSchema,
  'audio:setMode': z.object({ mode: z.enum(['follow', 'fixed']), sourceId: id.optional() }),
  'canvas:set': canvasSchema,
  'encoder:set': encoderSettingsSchema.partial(),
  /** Start a probe (or re-probe with force); answers at once with the current state. */
  'encoder:probe': z.object({ force: z.boolean().optional() }).strict(),
  'encoder:capabilities': empty,
  /**
   * Commerce metadata into the stream as SEI on the next programme frame (and repeated
   * on keyframes). With `cut`, that input goes on air on the same frame.
   */
  'metadata:send': commerceMetadataSchema.omit({ v: true, wallTimeMs: true, frame: true }).extend({ cut: id.optional() }),
  'output:add': z.object({
    name,
    kind: z.enum(['rtmp', 'srt', 'record']),
    /** rtmp: ingest URL (rtmp:// or rtmps://) without the key; srt: srt://host:port?…; record: a folder. */
    target: z.string().min(1).max(2048),
    /** Secret; never echoed back, never logged. */
    streamKey: z.string().max(512).optional(),
    /** The ingest preset it comes from (ingestPresets.ts); 'custom-rtmp' / 'custom-srt' when absent. */
    preset: z.string().min(1).max(64).optional(),
    /** RTMP only: also send metadata as onCuePoint (only where the ingest relays them). */
    cuePoints: z.boolean().optional(),
    metadataSender: metadataSenderSchema.optional(),
  }),
  /** Change a stopped destination's carriers; `metadataSender: null` removes the sender. */
  'output:configure': z.object({ id, cuePoints: z.boolean().optional(), metadataSender: metadataSenderSchema.nullable().optional() }),
  'output:remove': z.object({ id }),
  'output:start': z.object({ id }),
  'output:stop': z.object({ id }),
  /** Go Live: every output at once. */
  'output:startAll': empty,
  'output:stopAll': empty,

  /** The whole rundown, scripts included (the snapshot has a summary and a revision). */
  'rundown:get': empty,
  /** Replaces the rundown; refused whole, with line-numbered reasons, if any row is bad. */
  'rundown:import': z.object({ format: z.enum(['json', 'csv']), text: z.string().max(8 * 1024 * 1024) }),
  'rundown:export': z.object({ format: z.enum(['json', 'csv']) }),
  /**
   * Take a segment (the cued next one without `id`): on one programme frame its input
   * is cut to air, its product card shown, "explaining started" sent (ending the
   * previous one) and the teleprompter moved to its script.
   */
  'rundown:take': z.object({ id: id.optional() }),
  /** Take the segment before the one on air. */
  'rundown:takePrevious': empty,
  /** Which segment Take takes next. */
  'rundown:cue': z.object({ id }),
  /** End explaining (the end of the show): card off, "explaining ended" on the next frame. */
  'rundown:end': empty,
  'rundown:addSegment': z.object({ segment: rundownSegmentSchema, index: z.number().int().min(0).optional() }),
  /** Edit a segment while live; the on-air card and metadata follow on the next frame. */
  'rundown:updateSegment': z.object({ segment: rundownSegmentSchema }),
  'rundown:removeSegment': z.object({ id }),
  'rundown:moveSegment': z.object({ id, toIndex: z.number().int().min(0) }),
  /** A timed flash sale on the on-air segment, starting now, with a countdown on the card. */
  'rundown:flashSale': z.object({ seconds: z.number().int().min(10).max(6 * 3600) }),
  'rundown:graphics': z.object({ productCard: z.boolean().optional(), salesTicker: z.boolean().optional(), orderShoutOut: z.boolean().optional() }),
  'teleprompter:set': z.object({
    mirror: z.boolean().optional(),
    speed: z.number().min(0).max(teleprompterMaxSpeed).optional(),
    running: z.boolean().optional(),
    fontSizePx: z.number().int().min(24).max(240).optional(),
    /**
     * Relative changes, applied by main to its current value: a pedal pressed twice
     * quickly counts twice, however late the first change reaches the pressing page.
     */
    speedBy: z.number().min(-teleprompterMaxSpeed).max(teleprompterMaxSpeed).optional(),
    toggleRunning: z.literal(true).optional(),
  }),
  /** Jump the teleprompter to a `[[marker]]` of the on-air script. */
  'teleprompter:jump': z.object({ marker: z.string().min(1).max(80) }),
  /** The director's short message to the host; empty clears it. */
  'teleprompter:message': z.object({ text: z.string().max(120) }),
  /** The rehearsal order simulator (bursts, duplicates), on or off. */
  'orders:simulate': z.object({ running: z.boolean(), ratePerSec: z.number().min(0.1).max(5000).optional() }),
  /**
   * A signed order webhook at POST /orders/<id> on the order receiver: Shopify,
   * WooCommerce, or any HMAC-SHA256 signer (docs/orders.md). The secret is stored sealed.
   */
  'orders:addWebhook': z.object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'id: letters, digits, - and _ only'),
    kind: z.enum(['shopify', 'woocommerce', 'hmac']),
    secret: z.string().min(8).max(256),
    signatureHeader: z.string().min(1).max(80).optional(),
    encoding: z.enum(['hex', 'base64']).optional(),
  }),
  'orders:removeAdapter': z.object({ id }),
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestParams<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
export type ParsedParams<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;

/** What each request answers to its caller. State changes also reach everyone as events. */
export interface RequestResults {
  'studio:getState': StudioSnapshot;
  'studio:getLog': { entries: readonly LogEntry[] };
  'source:add': { id: string };
  'source:remove': { ok: true };
  'source:restart': { ok: true };
  'devices:list': DeviceList;
  'scene:add': { id: string };
  'scene:remove': { ok: true };
  'switcher:preview': { ok: true };
  /** frame: the programme frame number on which the cut is on air. */
  'switcher:cut': { frame: number };
  'switcher:auto': { startFrame: number; endFrame: number };
  'switcher:fadeToBlack': { toBlack: boolean; startFrame: number; endFrame: number };
  'switcher:setTransition': { ok: true };
  'audio:setMode': { ok: true };
  'canvas:set': CanvasSettings;
  'encoder:set': { ok: true };
  'encoder:probe': EncoderProbeSnapshot;
  /** The last completed probe and Auto's choice for the current canvas, with its reason. */
  'encoder:capabilities': { result: EncoderProbeResult | null; auto: AutoEncoderChoice | null; probing: boolean };
  'metadata:send': { frame: number };
  'output:add': { id: string };
  'output:configure': { ok: true };
  'output:remove': { ok: true };
  'output:start': { ok: true };
  'output:stop': { ok: true };
  'output:startAll': { ok: true };
  'output:stopAll': { ok: true };
  'rundown:get': Rundown;
  'rundown:import': { segments: number };
  'rundown:export': { text: string };
  /** frame: the programme frame on which camera, card, metadata and teleprompter all change. */
  'rundown:take': { frame: number; segmentId: string };
  'rundown:takePrevious': { frame: number; segmentId: string };
  'rundown:cue': { ok: true };
  'rundown:end': { frame: number };
  'rundown:addSegment': { ok: true };
  'rundown:updateSegment': { ok: true };
  'rundown:removeSegment': { ok: true };
  'rundown:moveSegment': { ok: true };
  'rundown:flashSale': { endsAtMs: number };
  'rundown:graphics': { ok: true };
  'teleprompter:set': { ok: true };
  'teleprompter:jump': { ok: true };
  'teleprompter:message': { ok: true };
  'orders:simulate': { ok: true };
  /** url: where the shop must send its webhooks. */
  'orders:addWebhook': { url: string };
  'orders:removeAdapter': { ok: true };
}

/** Events broadcast to every client. */
export interface EventPayloads {
  /** The whole snapshot, after any change (coalesced to at most ~20 per second). */
  'studio:state': StudioSnapshot;
  /** Tally changes on the exact frame they take effect. */
  'switcher:tally': { frame: number; switcher: SwitcherState };
  /** A line for the operator's log: errors name the source or destination. */
  'studio:log': LogEntry;
}

export type EventName = keyof EventPayloads;
export const eventNames: readonly EventName[] = ['studio:state', 'switcher:tally', 'studio:log'];
export const requestNames = Object.keys(requestSchemas) as RequestName[];

/** Errors cross the boundary as data, never as stack traces (STYLE.md rule 4). */
export interface StudioErrorData {
  readonly code: StudioErrorCode;
  readonly message: string;
}

export type StudioErrorCode =
  | 'badRequest'
  | 'unknownRequest'
  | 'notFound'
  | 'conflict'
  | 'unavailable'
  | 'unauthorized'
  | 'internal';

export class StudioError extends Error {
  constructor(
    readonly code: StudioErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }

  toData(): StudioErrorData {
    return { code: this.code, message: this.message };
  }
}

/** Wire format over WebSocket (and the shape the preload mirrors over IPC). */
export type ClientMessage = { id: number; request: string; params?: unknown };
export type ServerMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: StudioErrorData }
  | { event: EventName; data: unknown };

/** `window.studio.switcher.cut({})`: the client API shape, derived from the contract. */
type Domain<K> = K extends `${infer D}:${string}` ? D : never;
type Verb<K, D extends string> = K extends `${D}:${infer V}` ? V : never;
export type StudioApi = {
  [D in Domain<RequestName>]: {
    [V in Verb<RequestName, D>]: (
      params?: RequestParams<`${D}:${V}` & RequestName>,
    ) => Promise<RequestResults[`${D}:${V}` & RequestName]>;
  };
} & {
  on<E extends EventName>(event: E, cb: (data: EventPayloads[E]) => void): () => void;
};

export function splitRequestName(request: RequestName): [string, string] {
  const [domain, verb] = request.split(':');
  return [domain, verb];
}
