import { describe, expect, it } from 'vitest';
import { readAccessUnitSei } from '../../../../test/support/seiReader';
import type { CommerceMetadata } from '../../../shared/commerceMetadata';
import type { AudioConfig, EncodedFrame, EncodedVideoFrame, VideoConfig } from '../media/packets';
import { MetadataStage } from './metadataStage';

const UUID = '18012542-62e1-4a94-9ecc-fae1fbf06f4c';
const FPS = 30;
const FRAME_MS = 1000 / FPS;

function lp(nals: readonly Buffer[], lengthSize: number): Buffer {
  return Buffer.concat(nals.flatMap((n) => {
    const p = Buffer.alloc(lengthSize);
    p.writeUIntBE(n.length, 0, lengthSize);
    return [p, n];
  }));
}

/** avcC with lengthSizeMinusOne in byte 4. */
const avcC = (lengthSize: number): Buffer => Buffer.from([1, 0x42, 0xc0, 0x1e, 0xfc | (lengthSize - 1), 0xe0]);
const hvcC = (lengthSize: number): Buffer => {
  const b = Buffer.alloc(23);
  b[0] = 1;
  b[21] = 0xfc | (lengthSize - 1);
  return b;
};
const audio: AudioConfig = { codec: 'aac', sampleRate: 48000, channels: 2, bitrateKbps: 128, audioSpecificConfig: Buffer.from([0x11, 0x90]) };
const video = (codec: VideoConfig['codec'], decoderConfig: Buffer): VideoConfig => ({ codec, width: 640, height: 360, fps: FPS, bitrateKbps: 1000, decoderConfig });

function h264Frame(frame: number, keyframe: boolean, lengthSize = 4, ptsFrame = frame, dtsFrame = frame): EncodedVideoFrame {
  const nals = keyframe
    ? [Buffer.from([0x09, 0x10]), Buffer.from([0x67, 1, 2]), Buffer.from([0x68, 3]), Buffer.from([0x65, 0x88, frame & 0xff])]
    : [Buffer.from([0x09, 0x30]), Buffer.from([0x41, 0x9a, frame & 0xff])];
  return { type: 'video', dtsMs: dtsFrame * FRAME_MS, ptsMs: ptsFrame * FRAME_MS, keyframe, frame, data: lp(nals, lengthSize) };
}

function hevcFrame(frame: number, keyframe: boolean): EncodedVideoFrame {
  const nals = keyframe ? [Buffer.from([0x40, 0x01, 1]), Buffer.from([0x26, 0x01, 0xaf])] : [Buffer.from([0x02, 0x01, 0xd0])];
  return { type: 'video', dtsMs: frame * FRAME_MS, ptsMs: frame * FRAME_MS, keyframe, frame, data: lp(nals, 4) };
}

const product = (id: string): CommerceMetadata => ({
  v: 1,
  kind: 'product',
  product: { id, sku: `SKU-${id}`, title: `Product ${id}`, price: 10, currency: 'EUR' },
  wallTimeMs: 1_700_000_000_000,
  frame: 0,
});
const sales = (orders: number): CommerceMetadata => ({ v: 1, kind: 'sales', sales: { orders, units: orders, gmv: orders * 10, currency: 'EUR' }, wallTimeMs: 1, frame: 0 });

class Collector {
  readonly frames: EncodedFrame[] = [];
  configs = 0;
  onConfig(): void {
    this.configs++;
  }
  onFrame(f: EncodedFrame): void {
    this.frames.push(f);
  }
  /** Per video frame number: the decoded messages in its SEI. */
  messages(codec: 'h264' | 'hevc' = 'h264', lengthSize = 4): Map<number, CommerceMetadata[]> {
    const out = new Map<number, CommerceMetadata[]>();
    for (const f of this.frames) {
      if (f.type !== 'video') continue;
      const seis = readAccessUnitSei(f.data, codec, lengthSize).seis;
      expect(seis.every((s) => s.uuid === UUID)).toBe(true);
      out.set(f.frame, seis.map((s) => JSON.parse(s.payload.toString('utf8')) as CommerceMetadata));
    }
    return out;
  }
}

describe('MetadataStage', () => {
  it('writes a message into the access unit of its own frame, and nowhere else without a keyframe', () => {
    const out = new Collector();
    const stage = new MetadataStage({ downstream: [out] });
    stage.onConfig(video('h264', avcC(4)), audio);
    stage.schedule(product('a'), 3);
    for (let n = 0; n < 6; n++) stage.onFrame(h264Frame(n, false));
    const m = out.messages();
    expect([...m].filter(([, msgs]) => msgs.length > 0).map(([n]) => n)).toEqual([3]);
    expect(m.get(3)![0]).toMatchObject({ kind: 'product', frame: 3, product: { id: 'a' } });
    expect(stage.stats()).toMatchObject({ onTime: 1, late: 0 });
  });

  it('passes audio through and gives late sinks the configuration', () => {
    const stage = new MetadataStage();
    stage.onConfig(video('h264', avcC(4)), audio);
    const out = new Collector();
    stage.addSink(out);
    expect(out.configs).toBe(1);
    const a: EncodedFrame = { type: 'audio', dtsMs: 5, data: Buffer.from([1, 2]) };
    stage.onFrame(a);
    expect(out.frames[0]).toBe(a);
  });

  it('sends a message for a frame already gone in the next access unit, never earlier than its frame', () => {
    const out = new Collector();
    const stage = new MetadataStage({ downstream: [out] });
    stage.onConfig(video('h264', avcC(4)), audio);
    stage.onFrame(h264Frame(0, true));
    stage.onFrame(h264Frame(1, false));
    stage.schedule(product('late'), 1);
    stage.schedule(product('future'), 4);
    for (let n = 2; n < 6; n++) stage.onFrame(h264Frame(n, false));
    const m = out.messages();
    expect(m.get(2)!.map((x) => x.product?.id)).toEqual(['late']);
    expect(m.get(3)).toEqual([]);
    expect(m.get(4)!.map((x) => x.product?.id)).toEqual(['future']);
    expect(stage.stats()).toMatchObject({ onTime: 1, late: 1 });
  });

  it('repeats the last message of each kind on every keyframe', () => {
    const out = new Collector();
    const stage = new MetadataStage({ downstream: [out] });
    stage.onConfig(video('h264', avcC(4)), audio);
    stage.schedule(product('a'), 1);
    stage.schedule(sales(5), 2);
    stage.schedule(product('b'), 4);
    for (let n = 0; n < 10; n++) stage.onFrame(h264Frame(n, n % 3 === 0));
    const m = out.messages();
    expect(m.get(0)).toEqual([]);
    expect(m.get(1)!.map((x) => x.product?.id)).toEqual(['a']);
    // Keyframe 3: the current product and sales, as first sent (their own frame numbers).
    expect(m.get(3)!.map((x) => [x.kind, x.frame])).toEqual([['product', 1], ['sales', 2]]);
    // Frame 4 is not a keyframe: only the new product.
    expect(m.get(4)!.map((x) => [x.kind, x.frame])).toEqual([['product', 4]]);
    expect(m.get(6)!.map((x) => [x.kind, x.frame])).toEqual([['sales', 2], ['product', 4]]);
    expect(m.get(9)!.map((x) => [x.kind, x.frame])).toEqual([['sales', 2], ['product', 4]]);
    expect(stage.stats().repeats).toBe(6);
    // Out-of-band carriers get each change once, on its own access unit; never the repeats.
    const changes = out.frames.flatMap((f) => (f.type === 'video' && f.metadata ? f.metadata.map((x) => [f.frame, x.kind]) : []));
    expect(changes).toEqual([[1, 'product'], [2, 'sales'], [4, 'product']]);
  });

  it('on a keyframe with a new message, writes it once (no stale repeat of its kind)', () => {
    const out = new Collector();
    const stage = new MetadataStage({ downstream: [out] });
    stage.onConfig(video('h264', avcC(4)), audio);
    stage.schedule(product('a'), 0);
    stage.schedule(product('b'), 2);
    for (let n = 0; n < 3; n++) stage.onFrame(h264Frame(n, n !== 1));
    expect(out.messages().get(2)!.map((x) => x.product?.id)).toEqual(['b']);
  });

  it('reads the NAL length size from the avcC and hvcC', () => {
    for (const lengthSize of [1, 2, 4]) {
      const out = new Collector();
      const stage = new MetadataStage({ downstream: [out] });
      stage.onConfig(video('h264', avcC(lengthSize)), audio);
      stage.schedule(product('x'), 0);
      stage.onFrame(h264Frame(0, false, lengthSize));
      expect(out.messages('h264', lengthSize).get(0)!.map((x) => x.product?.id)).toEqual(['x']);
    }
    const out = new Collector();
    const stage = new MetadataStage({ downstream: [out] });
    stage.onConfig(video('hevc', hvcC(4)), audio);
    stage.schedule(product('h'), 1);
    for (let n = 0; n < 3; n++) stage.onFrame(hevcFrame(n, n === 2));
    const m = out.messages('hevc');
    expect(m.get(1)!.map((x) => x.product?.id)).toEqual(['h']);
    expect(m.get(2)!.map((x) => x.frame)).toEqual([1]);
  });

  it('with B-frames, waits for the frame itself even when a later frame is decoded first', () => {
    const out = new Collector();
    const stage = new MetadataStage({ downstream: [out] });
    stage.onConfig(video('h264', avcC(4)), audio);
    stage.schedule(product('b1'), 1);
    // Decode order I0 P3 B1 B2: P3 has dts 1 and pts 3.
    stage.onFrame(h264Frame(0, true, 4, 0, -1));
    stage.onFrame(h264Frame(3, false, 4, 3, 0));
    stage.onFrame(h264Frame(1, false, 4, 1, 1));
    stage.onFrame(h264Frame(2, false, 4, 2, 2));
    const m = out.messages();
    expect(m.get(3)).toEqual([]);
    expect(m.get(1)!.map((x) => x.product?.id)).toEqual(['b1']);
  });

  it('refuses an oversize message at schedule time and keeps nothing of it', () => {
    const stage = new MetadataStage();
    const big = product('big');
    const huge: CommerceMetadata = { ...big, product: { ...big.product!, title: '€'.repeat(200), sku: 'k'.repeat(64), id: 'i'.repeat(64) }, show: 's'.repeat(64), segment: 'g'.repeat(64), program: { source: 'a'.repeat(64), layout: 'b'.repeat(64) } };
    expect(() => stage.schedule(huge, 1)).toThrow(/limit is 1024/);
    expect(() => stage.schedule(product('x'), -1)).toThrow(RangeError);
    expect(stage.pendingCount).toBe(0);
  });

  it('leaves AV1 bytes untouched, counts its SEI as dropped, still hands the change to out-of-band carriers', () => {
    const out = new Collector();
    const stage = new MetadataStage({ downstream: [out] });
    stage.onConfig(video('av1', Buffer.from([0x81, 0, 0, 0])), audio);
    stage.schedule(product('x'), 0);
    const f: EncodedVideoFrame = { type: 'video', dtsMs: 0, ptsMs: 0, keyframe: true, frame: 0, data: Buffer.from([0x32, 0]) };
    stage.onFrame(f);
    const sent = out.frames[0] as EncodedVideoFrame;
    expect(sent.data).toBe(f.data);
    expect(sent.metadata?.map((m) => m.product?.id)).toEqual(['x']);
    expect(stage.stats().dropped).toBe(1);
    expect(stage.pendingCount).toBe(0);
  });
});
