// Commerce metadata as an RTMP onCuePoint data message (issue 4: secondary carrier,
// opt-in per destination). Shape: spec "AMF0" — string `onCuePoint` + object
// {name, time (s), type, parameters}, sent as a plain type-18 message WITHOUT
// `@setDataFrame`: with it, nginx-rtmp and SRS take the message as a replacement of
// the stream's metadata. The recording's cue tags (flvRecorder.ts) use the same names
// and the same `parameters.message`, so every carrier reads alike.
import { encodeMetadata, type CommerceMetadata } from '../../../../shared/commerceMetadata';
import { encodeAmf0, type AmfValue } from '../../mux/amf0';

/**
 * The data message body for one change. `timeSec` is the presentation time, on the
 * ingest's timeline, of the access unit the message rides with. `parameters.message`
 * is the exact message as JSON (what the SEI carries); the flat fields are for
 * players that cannot parse JSON.
 */
export function commerceCuePointBody(message: CommerceMetadata, timeSec: number): Buffer {
  const parameters: Record<string, AmfValue> = {
    message: Buffer.from(encodeMetadata(message)).toString('utf8'),
    v: message.v,
    kind: message.kind,
    frame: message.frame,
    wallTimeMs: message.wallTimeMs,
  };
  if (message.product) {
    parameters.productId = message.product.id;
    parameters.sku = message.product.sku;
  }
  if (message.explaining) parameters.explaining = message.explaining;
  return encodeAmf0('onCuePoint', { name: `cuecast.${message.kind}`, time: timeSec, type: 'event', parameters });
}
