// The probe's tag-level logic with hand-built tags: SEI found behind our UUID only,
// cue points placed on the access unit after them (with its PTS), and the probe's
// AMF0 reading the publisher's cue point bodies.
import { describe, expect, it } from 'vitest';
import type { CommerceMetadata } from '../../../shared/commerceMetadata';
import { decodeAmf0 } from '../../engine/mux/amf0';
import { commerceCuePointBody } from '../../engine/outputs/rtmp/cuePoint';
import { readAllAmf0, writeAmf0 } from '../../engine/play/amf0Codec';
import { CUECAST_SEI_UUID } from './seiPayloads';
import { FlvTagTimeline, TAG_AUDIO, TAG_SCRIPT, TAG_VIDEO } from './tagTimeline';
import { CUECAST_SEI_UUID as WRITER_UUID } from '../../engine/mux/seiWriter';

const AVC_RECORD = Buffer.from([1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 0]); // NAL length size 4
const msg = (frame: number): CommerceMetadata => ({ v: 1, kind: 'product', product: { id: 'p', sku: 's', title: 't', price: 1, currency: 'EUR' }, wallTimeMs: 5, frame });

function nal(bytes: readonly number[] | Buffer): Buffer {
  const b = Buffer.from(bytes);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length, 0);
  return Buffer.concat([len, b]);
}
function sei(uuid: Buffer, payload: string): Buffer {
  const body = Buffer.concat([uuid, Buffer.from(payload)]);
  return nal(Buffer.concat([Buffer.from([0x06, 0x05, body.length]), body, Buffer.from([0x80])]));
}
/** Legacy AVC NALU tag body: frame type, packet type 1, composition time, NAL units. */
function avc(keyframe: boolean, cts: number, ...nals: Buffer[]): Buffer {
  const head = Buffer.from([keyframe ? 0x17 : 0x27, 1, 0, 0, 0]);
  head.writeIntBE(cts, 2, 3);
  return Buffer.concat([head, ...nals]);
}
const slice = nal([0x65, 0x88, 0x84]);

describe('FlvTagTimeline', () => {
  it('reports our SEI at its access unit with PTS = timestamp + composition time, and ignores other UUIDs', () => {
    const t = new FlvTagTimeline();
    t.tag(TAG_VIDEO, 0, Buffer.concat([Buffer.from([0x17, 0, 0, 0, 0]), AVC_RECORD]));
    t.tag(TAG_VIDEO, 0, avc(true, 0, slice));
    t.tag(TAG_AUDIO, 10, Buffer.from([0xaf, 1, 2]));
    t.tag(TAG_VIDEO, 33, avc(false, 67, sei(Buffer.alloc(16, 9), '{"x264":1}'), sei(CUECAST_SEI_UUID, JSON.stringify(msg(1))), slice));
    t.finish();
    expect(t.videoFrames).toBe(2);
    expect(t.messages).toEqual([{ source: 'sei', frameIndex: 1, ptsMs: 100, payload: msg(1), keyframe: false }]);
  });

  it('puts a cue point on the next access unit, and one with none after it at its own time', () => {
    const t = new FlvTagTimeline();
    t.tag(TAG_VIDEO, 0, avc(true, 0, slice));
    t.tag(TAG_SCRIPT, 40, commerceCuePointBody(msg(2), 0.12));
    t.tag(TAG_AUDIO, 41, Buffer.from([0xaf, 1, 2]));
    t.tag(TAG_VIDEO, 40, avc(true, 80, slice));
    // Someone else's cue point, sent the ffmpeg way (@setDataFrame first): reported as it came.
    t.tag(TAG_SCRIPT, 80, writeAmf0('@setDataFrame', 'onCuePoint', { name: 'chapter', time: 1.5, type: 'navigation', parameters: { n: 2 } }));
    t.finish();
    expect(t.messages).toEqual([
      {
        source: 'cuepoint',
        frameIndex: 1,
        ptsMs: 120,
        keyframe: true,
        payload: msg(2),
        cuePoint: { name: 'cuecast.product', timeMs: 120, type: 'event', messageTimeMs: 40, parameters: expect.objectContaining({ kind: 'product', frame: 2 }) },
      },
      {
        source: 'cuepoint',
        frameIndex: 2,
        ptsMs: 80,
        keyframe: false,
        payload: { name: 'chapter', time: 1.5, type: 'navigation', parameters: { n: 2 } },
        cuePoint: { name: 'chapter', timeMs: 1500, type: 'navigation', messageTimeMs: 80, parameters: { n: 2 } },
      },
    ]);
  });

  it('skips script tags it cannot decode and data messages that are not cue points', () => {
    const t = new FlvTagTimeline();
    t.tag(TAG_SCRIPT, 0, Buffer.from([0x02, 0x00, 0x0a, 0x6f]));
    t.tag(TAG_SCRIPT, 0, writeAmf0('@setDataFrame', 'onMetaData', { width: 640 }));
    t.tag(TAG_SCRIPT, 0, writeAmf0('onTextData', { text: 'hi' }));
    t.tag(TAG_VIDEO, 0, avc(true, 0, slice));
    t.finish();
    expect(t.messages).toEqual([]);
  });
});

describe('the probe\'s AMF0 and SEI UUID', () => {
  it('writes what an independent decoder reads, and reads it back', () => {
    const values = ['connect', 1, { app: 'live', fpad: false, n: null, nested: { a: 'é' } }, null, -2] as const;
    const encoded = writeAmf0(...values);
    expect(decodeAmf0(encoded)).toEqual(values);
    expect(readAllAmf0(encoded)).toEqual(values);
  });

  it('matches the UUID the writer uses (kept literal on purpose)', () => {
    expect(CUECAST_SEI_UUID.equals(WRITER_UUID)).toBe(true);
  });
});
