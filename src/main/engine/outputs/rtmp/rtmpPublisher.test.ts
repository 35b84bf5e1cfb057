// RtmpPublisher behaviour that needs a peer we control: backpressure against an
// ingest that stops reading, the timeline, and stop() at any moment.
import { afterEach, describe, expect, it } from 'vitest';
import { accepting, fakeRtmpServer, type FakeRtmpServer } from '../../../../../test/support/fakeRtmpServer';
import { sleep, waitUntil } from '../../../../../test/support/nginxRtmp';
import { createMemoryLogger } from '../../logger';
import type { AudioConfig, VideoConfig } from '../../media/packets';
import { MSG_AUDIO, MSG_DATA_AMF0, MSG_VIDEO } from './rtmpMessages';
import { RtmpPublisher } from './rtmpPublisher';

const VIDEO: VideoConfig = { codec: 'h264', width: 640, height: 360, fps: 25, bitrateKbps: 100, decoderConfig: Buffer.from([1, 0x42, 0, 0x1e, 0xff, 0xe0, 0]) };
const AUDIO: AudioConfig = { codec: 'aac', sampleRate: 48000, channels: 2, bitrateKbps: 0, audioSpecificConfig: Buffer.from([0x11, 0x90]) };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
async function server(): Promise<FakeRtmpServer> {
  const s = await fakeRtmpServer(accepting);
  cleanups.push(() => s.stop());
  return s;
}
function publisher(port: number): RtmpPublisher {
  const p = new RtmpPublisher({ name: 'Fake', url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'k', logger: createMemoryLogger(), connectTimeoutMs: 2000 });
  cleanups.push(() => p.stop());
  return p;
}
/** A video frame whose payload says which frame it is (first 4 bytes). */
function frameData(index: number, size: number): Buffer {
  const b = Buffer.alloc(size, 0xab);
  b.writeUInt32BE(index, 0);
  return b;
}

describe('RtmpPublisher', () => {
  it('drops non-key video until a keyframe when the ingest stops reading, and stays bounded', async () => {
    const ingest = await server();
    const pub = publisher(ingest.port);
    pub.onConfig(VIDEO, AUDIO);
    pub.start();
    await waitUntil(() => pub.state === 'live', 3000, 'live');
    ingest.pauseReading();
    const total = 600;
    let maxQueued = 0;
    for (let i = 0; i < total; i++) {
      pub.onFrame({ type: 'video', dtsMs: 1000 + i * 40, ptsMs: 1000 + i * 40, keyframe: i % 25 === 0, data: frameData(i, 64 * 1024), frame: i });
      pub.onFrame({ type: 'audio', dtsMs: 1000 + i * 40, data: Buffer.alloc(100) });
      maxQueued = Math.max(maxQueued, pub.stats().queuedBytes);
    }
    const { droppedFrames } = pub.stats();
    expect(droppedFrames).toBeGreaterThan(100);
    // Soft limit 1 MB (the minimum), hard limit 2 MB, plus one keyframe in flight.
    expect(maxQueued).toBeLessThan(2 * 1024 * 1024 + 70 * 1024);
    expect(maxQueued).toBeGreaterThan(1024 * 1024);

    const video = () => ingest.seen.messages.filter((m) => m.typeId === MSG_VIDEO && m.payload[1] === 1);
    // Let the server read again and take everything before the unpublish.
    ingest.resumeReading();
    await pub.stop();
    await waitUntil(() => ingest.seen.commands.some((c) => c[0] === 'deleteStream'), 5000, 'deleteStream');
    const got = video().map((m) => ({ index: m.payload.readUInt32BE(5), key: m.payload[0] === 0x17, ts: m.timestamp }));
    expect(got.length + droppedFrames).toBe(total);
    expect(got[0]).toMatchObject({ index: 0, key: true, ts: 0 });
    for (let i = 1; i < got.length; i++) {
      // After any gap, the next frame sent is a keyframe; timestamps follow the input.
      if (got[i]!.index !== got[i - 1]!.index + 1) expect(got[i]!.key, `frame ${got[i]!.index} after a gap`).toBe(true);
      expect(got[i]!.ts).toBe(got[i]!.index * 40);
    }
    expect(ingest.seen.messages.filter((m) => m.typeId === MSG_AUDIO).length).toBeGreaterThan(total / 2);
  });

  it('sends @setDataFrame onMetaData and both sequence headers before any frame', async () => {
    const ingest = await server();
    const pub = publisher(ingest.port);
    pub.start();
    await waitUntil(() => pub.state === 'live', 3000, 'live');
    pub.onConfig(VIDEO, AUDIO);
    pub.onFrame({ type: 'video', dtsMs: 500, ptsMs: 540, keyframe: true, data: frameData(0, 10), frame: 0 });
    pub.onFrame({ type: 'audio', dtsMs: 520, data: Buffer.from([1, 2]) });
    await waitUntil(() => ingest.seen.messages.filter((m) => m.typeId === MSG_AUDIO).length === 2, 3000, 'audio');
    const media = ingest.seen.messages.filter((m) => [MSG_AUDIO, MSG_VIDEO, MSG_DATA_AMF0].includes(m.typeId));
    expect(media.map((m) => [m.typeId, m.payload.subarray(0, 2).toString('hex'), m.timestamp])).toEqual([
      [MSG_DATA_AMF0, '0200', 0],
      [MSG_VIDEO, '1700', 0],
      [MSG_AUDIO, 'af00', 0],
      [MSG_VIDEO, '1701', 0],
      [MSG_AUDIO, 'af01', 20],
    ]);
    expect(media[0]!.payload.toString('latin1')).toContain('@setDataFrame');
    // Composition time 40 ms rides in the video tag header.
    expect(media[3]!.payload.readIntBE(2, 3)).toBe(40);
  });

  it('treats an ingest that stops reading for good as lost, and reconnects', async () => {
    const ingest = await server();
    const pub = new RtmpPublisher({
      name: 'Fake',
      url: `rtmp://127.0.0.1:${ingest.port}/live`,
      streamKey: 'key-123',
      logger: createMemoryLogger(),
      reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
      stallTimeoutMs: 300,
    });
    cleanups.push(() => pub.stop());
    pub.onConfig(VIDEO, AUDIO);
    pub.start();
    await waitUntil(() => pub.state === 'live', 3000, 'live');
    ingest.pauseReading();
    const deadline = Date.now() + 5000;
    for (let i = 0; pub.stats().reconnects === 0 && Date.now() < deadline; i++) {
      pub.onFrame({ type: 'video', dtsMs: i * 40, ptsMs: i * 40, keyframe: i % 25 === 0, data: frameData(i, 256 * 1024), frame: i });
      await sleep(5);
    }
    expect(pub.stats().lastError).toMatch(/^Destination "Fake": the ingest stopped taking data for \d+ ms; retrying in \d+ ms$/);
    await waitUntil(() => pub.state === 'live', 3000, 'live again on a fresh connection');
    expect(pub.stats().queuedBytes).toBeLessThan(1024 * 1024);
  });

  it('stops promptly while still connecting', async () => {
    const ingest = await fakeRtmpServer(() => undefined);
    cleanups.push(() => ingest.stop());
    const pub = publisher(ingest.port);
    pub.start();
    await sleep(100);
    expect(pub.state).toBe('connecting');
    const t0 = Date.now();
    await pub.stop();
    expect(pub.state).toBe('idle');
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
