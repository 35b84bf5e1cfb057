// The peek's verdict from the messages real servers send a new player (measured against
// nginx-rtmp: |RtmpSampleAccess, then onMetaData ~40 ms later, audio at once when the
// publisher has any, video from the next keyframe), and its I/O edge cases.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { AmfEcmaArray } from '../mux/amf0';
import { FeedAudioVerdict, METADATA_GRACE_MS, VIDEO_ONLY_SPAN_MS, peekFeedAudio } from './feedAudioPeek';

const nginxMetadata = (audiocodecid: number): unknown[] => ['onMetaData', { width: 640, height: 360, videocodecid: 7, audiodatarate: 0, audiocodecid }];

describe('FeedAudioVerdict', () => {
  it('an audio message means audio, whatever came before', () => {
    const v = new FeedAudioVerdict();
    expect(v.data(['|RtmpSampleAccess', true, true], 0)).toBeNull();
    expect(v.data(nginxMetadata(0), 40)).toBeNull();
    expect(v.audio()).toBe('audio');
  });

  it('metadata naming an audio codec means audio at once (AAC id, or a name as some encoders write it)', () => {
    expect(new FeedAudioVerdict().data(nginxMetadata(10), 0)).toBe('audio');
    expect(new FeedAudioVerdict().data(['@setDataFrame', 'onMetaData', { audiocodecid: 'mp4a' }], 0)).toBe('audio');
  });

  it('metadata with audiocodecid 0 (nginx-rtmp) decides no audio once the grace has passed without audio', () => {
    const v = new FeedAudioVerdict();
    expect(v.data(nginxMetadata(0), 1000)).toBeNull();
    expect(v.tick(1000 + METADATA_GRACE_MS - 1)).toBeNull();
    expect(v.tick(1000 + METADATA_GRACE_MS)).toBe('noAudio');
  });

  it('metadata without audiocodecid (ffmpeg as publisher), as an ECMA array behind @setDataFrame, means none too', () => {
    const v = new FeedAudioVerdict();
    expect(v.data(['@setDataFrame', 'onMetaData', new AmfEcmaArray({ width: 1280, videocodecid: 7 })], 0)).toBeNull();
    expect(v.tick(METADATA_GRACE_MS)).toBe('noAudio');
  });

  it('without metadata, a second of video and no audio decides; data that is not metadata decides nothing', () => {
    const v = new FeedAudioVerdict();
    expect(v.data(['|RtmpSampleAccess', true, true], 0)).toBeNull();
    expect(v.data(['onCuePoint', { name: 'x' }], 0)).toBeNull();
    expect(v.tick(60_000)).toBeNull();
    expect(v.video(5000)).toBeNull();
    expect(v.video(5000 + VIDEO_ONLY_SPAN_MS - 1)).toBeNull();
    expect(v.video(5000 + VIDEO_ONLY_SPAN_MS)).toBe('noAudio');
  });
});

describe('peekFeedAudio', () => {
  it('does not look at feeds that are not FLV', async () => {
    const stop = new AbortController();
    expect(await peekFeedAudio('srt://127.0.0.1:9000', stop.signal)).toBe('unknown');
    expect(await peekFeedAudio('http://127.0.0.1/live/index.m3u8', stop.signal)).toBe('unknown');
  });

  it('is unknown, not an error, when nothing listens, and stops when the worker aborts it', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    expect(await peekFeedAudio(`rtmp://127.0.0.1:${closed}/live/cam`, new AbortController().signal)).toBe('unknown');

    // A server that accepts and never answers: the abort ends the peek at once.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const stop = new AbortController();
      const started = Date.now();
      const peek = peekFeedAudio(`rtmp://127.0.0.1:${(silent.address() as net.AddressInfo).port}/live/cam`, stop.signal);
      setTimeout(() => stop.abort(), 100);
      expect(await peek).toBe('unknown');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
