// onCuePoint data messages from RtmpPublisher, as a scripted ingest receives them:
// where they go (data chunk stream, before their video message, same timestamp), what
// they say (name, time = that picture's PTS, the exact message), and that they are
// neither lost with a frame that was not sent nor sent when the option is off.
import { afterEach, describe, expect, it } from 'vitest';
import { accepting, fakeRtmpServer, type FakeRtmpServer } from '../../../../../test/support/fakeRtmpServer';
import { waitUntil } from '../../../../../test/support/nginxRtmp';
import { decodeMetadata, type CommerceMetadata } from '../../../../shared/commerceMetadata';
import { createMemoryLogger } from '../../logger';
import type { AudioConfig, EncodedVideoFrame, VideoConfig } from '../../media/packets';
import { decodeAmf0 } from '../../mux/amf0';
import { commerceCuePointBody } from './cuePoint';
import { CSID_DATA, MSG_DATA_AMF0, MSG_VIDEO, type RtmpMessage } from './rtmpMessages';
import { RtmpPublisher } from './rtmpPublisher';

const VIDEO: VideoConfig = { codec: 'h264', width: 640, height: 360, fps: 25, bitrateKbps: 100, decoderConfig: Buffer.from([1, 0x42, 0, 0x1e, 0xff, 0xe0, 0]) };
const AUDIO: AudioConfig = { codec: 'aac', sampleRate: 48000, channels: 2, bitrateKbps: 0, audioSpecificConfig: Buffer.from([0x11, 0x90]) };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function live(cuePoints: boolean | undefined): Promise<{ ingest: FakeRtmpServer; pub: RtmpPublisher }> {
  const ingest = await fakeRtmpServer(accepting);
  cleanups.push(() => ingest.stop());
  const pub = new RtmpPublisher({ name: 'Fake', url: `rtmp://127.0.0.1:${ingest.port}/live`, streamKey: 'k', logger: createMemoryLogger(), connectTimeoutMs: 2000, cuePoints });
  cleanups.push(() => pub.stop());
  pub.onConfig(VIDEO, AUDIO);
  pub.start();
  await waitUntil(() => pub.state === 'live', 3000, 'live');
  return { ingest, pub };
}

function product(i: number, frame: number): CommerceMetadata {
  return { v: 1, kind: 'product', product: { id: `p-${i}`, sku: `SKU-${i}`, title: `Product ${i}`, price: 19.99, currency: 'EUR' }, wallTimeMs: 1_700_000_000_000 + i, frame };
}

/** Frame n at 40 ms spacing from 1000 ms, presented 80 ms after its decode time (B-frames). */
function video(n: number, keyframe: boolean, metadata?: CommerceMetadata[]): EncodedVideoFrame {
  const base = { type: 'video' as const, dtsMs: 1000 + n * 40, ptsMs: 1080 + n * 40, keyframe, data: Buffer.from([0, 0, 0, 1, 0x65]), frame: n };
  return metadata ? { ...base, metadata } : base;
}

const media = (ingest: FakeRtmpServer): RtmpMessage[] => ingest.seen.messages.filter((m) => m.typeId === MSG_VIDEO || m.typeId === MSG_DATA_AMF0);
const isCue = (m: RtmpMessage): boolean => m.typeId === MSG_DATA_AMF0 && decodeAmf0(m.payload)[0] === 'onCuePoint';
type Cue = { name: string; time: number; type: string; parameters: Record<string, unknown> };
const cueOf = (m: RtmpMessage): Cue => decodeAmf0(m.payload)[1] as unknown as Cue;

describe('RtmpPublisher cue points', () => {
  it('sends each change as onCuePoint just before its video message, at its timestamp, timed at its PTS', async () => {
    const { ingest } = await live(true).then(async (s) => {
      s.pub.onFrame(video(0, true, [product(1, 0)]));
      s.pub.onFrame(video(1, false));
      s.pub.onFrame(video(2, false, [product(2, 2), { v: 1, kind: 'explaining', explaining: 'started', wallTimeMs: 1_700_000_000_500, frame: 2 }]));
      await waitUntil(() => s.ingest.seen.messages.filter((m) => m.typeId === MSG_VIDEO).length === 4, 3000, 'four video messages');
      return s;
    });
    const got = media(ingest);
    // onMetaData, sequence header, then: cue, frame 0, frame 1, cue, cue, frame 2 — each
    // batch of cue points followed by onMetaData again (node-media-server hands late
    // joiners the last data message as the stream's metadata).
    expect(got.map((m) => (isCue(m) ? 'cue' : m.typeId === MSG_VIDEO ? `video@${m.timestamp}` : `meta@${m.timestamp}`))).toEqual([
      'meta@0',
      'video@0',
      'cue',
      'meta@0',
      'video@0',
      'video@40',
      'cue',
      'cue',
      'meta@80',
      'video@80',
    ]);
    for (const m of got.filter((x) => x.typeId === MSG_DATA_AMF0 && !isCue(x))) expect(decodeAmf0(m.payload).slice(0, 2)).toEqual(['@setDataFrame', 'onMetaData']);
    const cues = got.filter(isCue);
    for (const m of cues) {
      expect(m.chunkStreamId).toBe(CSID_DATA);
      // A plain data message: no @setDataFrame, which ingests take as new stream metadata.
      expect(m.payload.toString('latin1')).not.toContain('@setDataFrame');
    }
    expect(cues.map((m) => m.timestamp)).toEqual([0, 80, 80]);
    // time = timestamp + composition time (80 ms), in seconds: the picture's PTS.
    expect(cues.map((m) => cueOf(m).time)).toEqual([0.08, 0.16, 0.16]);
    expect(cues.map((m) => [cueOf(m).name, cueOf(m).type])).toEqual([
      ['cuecast.product', 'event'],
      ['cuecast.product', 'event'],
      ['cuecast.explaining', 'event'],
    ]);
    // The exact message rides along; flat fields for simple players.
    const p = cueOf(cues[1]!).parameters;
    expect(decodeMetadata(Buffer.from(String(p.message)))).toEqual(product(2, 2));
    expect(p).toMatchObject({ kind: 'product', frame: 2, productId: 'p-2', sku: 'SKU-2', v: 1 });
    expect(cueOf(cues[2]!).parameters).toMatchObject({ kind: 'explaining', explaining: 'started', frame: 2 });
  });

  it('moves the changes of frames it did not send to the next frame it sends', async () => {
    const { ingest, pub } = await live(true);
    // Joining: nothing before the first keyframe goes out, its metadata waits. The
    // timeline's origin is still the first frame given (frame 0), so frame 2 is at 80.
    pub.onFrame(video(0, false, [product(1, 0)]));
    pub.onFrame(video(1, false, [product(2, 1)]));
    pub.onFrame(video(2, true));
    pub.onFrame(video(3, false, [product(3, 3)]));
    await waitUntil(() => ingest.seen.messages.filter((m) => m.typeId === MSG_VIDEO).length === 3, 3000, 'three video messages');
    const got = media(ingest).slice(2);
    expect(got.map((m) => (isCue(m) ? `cue ${cueOf(m).parameters.productId}@${m.timestamp}` : m.typeId === MSG_VIDEO ? `video@${m.timestamp}` : 'meta'))).toEqual([
      'cue p-1@80',
      'cue p-2@80',
      'meta',
      'video@80',
      'cue p-3@120',
      'meta',
      'video@120',
    ]);
    // Held changes are timed at the picture they ride with; their message keeps its own frame.
    expect(cueOf(got[0]!).time).toBe(0.16);
    expect(cueOf(got[0]!).parameters.frame).toBe(0);
  });

  it('sends no cue points unless asked to', async () => {
    for (const option of [undefined, false]) {
      const { ingest, pub } = await live(option);
      pub.onFrame(video(0, true, [product(1, 0)]));
      pub.onFrame(video(1, false, [product(2, 1)]));
      await waitUntil(() => ingest.seen.messages.filter((m) => m.typeId === MSG_VIDEO).length === 3, 3000, 'three video messages');
      expect(ingest.seen.messages.filter((m) => m.typeId === MSG_DATA_AMF0).map((m) => decodeAmf0(m.payload)[0])).toEqual(['@setDataFrame']);
    }
  });

  it('encodes a change as onCuePoint {name, time, type, parameters} and refuses an invalid one', () => {
    const body = commerceCuePointBody(product(7, 120), 4.004);
    const [name, cue] = decodeAmf0(body);
    expect(name).toBe('onCuePoint');
    expect(cue).toMatchObject({ name: 'cuecast.product', time: 4.004, type: 'event', parameters: { kind: 'product', frame: 120 } });
    expect(() => commerceCuePointBody({ ...product(8, 1), product: undefined, kind: 'sales' }, 0)).not.toThrow();
    expect(() => commerceCuePointBody({ ...product(9, 1), frame: -1 }, 0)).toThrow(/refused/);
  });
});
