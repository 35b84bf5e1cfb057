// Commerce metadata carried in step with the picture (issue 4 "Metadata"): one
// versioned, vendor-neutral message that the mux stage writes as SEI, cue points
// and webhooks alike. Plain TypeScript and zod only (STYLE.md rule 1), so the
// encoder returns a Uint8Array (a Node Buffer is one too).
import { z } from 'zod';

/**
 * Largest encoded message: Tencent TRTC and IVS PutMetadata both allow 1 KB
 * (specs/flv-rtmp-sei.md "user_data_unregistered SEI").
 */
export const MAX_METADATA_BYTES = 1024;

export const COMMERCE_METADATA_VERSION = 1;

const id = z.string().min(1).max(64);
const money = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();
/** ISO 4217 alphabetic code. */
const currency = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as EUR');

export const commerceProductSchema = z.object({
  id,
  sku: z.string().min(1).max(64),
  title: z.string().min(1).max(200),
  price: money,
  promoPrice: money.optional(),
  currency,
  stock: count.optional(),
});

export const commerceMetadataSchema = z.object({
  v: z.literal(COMMERCE_METADATA_VERSION),
  show: id.optional(),
  segment: id.optional(),
  kind: z.enum(['product', 'explaining', 'sales', 'state']),
  product: commerceProductSchema.optional(),
  explaining: z.enum(['started', 'ended']).optional(),
  program: z.object({ source: z.string().min(1).max(64), layout: z.string().min(1).max(64).optional() }).optional(),
  sales: z.object({ orders: count, units: count, gmv: money, currency }).optional(),
  /** Wall-clock time of the change, ms since the Unix epoch. */
  wallTimeMs: z.number().int().nonnegative(),
  /** Programme frame number on which the change takes effect. */
  frame: count,
});

export type CommerceProduct = z.infer<typeof commerceProductSchema>;
export type CommerceMetadata = z.infer<typeof commerceMetadataSchema>;
export type CommerceMetadataKind = CommerceMetadata['kind'];

export class MetadataRefusedError extends Error {
  override readonly name = 'MetadataRefusedError';
}

/**
 * Validates `msg` and returns it as compact UTF-8 JSON. Refuses (throws
 * MetadataRefusedError, saying why) an invalid message or one over 1 KB encoded.
 */
export function encodeMetadata(msg: CommerceMetadata): Uint8Array {
  const parsed = commerceMetadataSchema.safeParse(msg);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
    throw new MetadataRefusedError(`commerce metadata refused: ${reason}`);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(parsed.data));
  if (bytes.length > MAX_METADATA_BYTES) {
    throw new MetadataRefusedError(
      `commerce metadata refused: ${bytes.length} bytes encoded, the limit is ${MAX_METADATA_BYTES} (IVS and TRTC allow 1 KB per message)`,
    );
  }
  return bytes;
}

/** Parses a payload written by encodeMetadata (readers, probes, tests). */
export function decodeMetadata(bytes: Uint8Array): CommerceMetadata {
  return commerceMetadataSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}
