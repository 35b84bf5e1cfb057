// Which reader takes which input: the probe reads RTMP, HTTP-FLV and FLV files
// itself (cue points survive) and hands the rest to ffmpeg.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeMetadata, probeRoute } from './metadataProbe';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('probeRoute', () => {
  it('reads RTMP, HTTP-FLV and FLV files directly, everything else through ffmpeg', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-route-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a.flv'), Buffer.from('FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00', 'latin1'));
    writeFileSync(join(dir, 'b.ts'), Buffer.alloc(188, 0x47));
    expect(probeRoute('rtmp://127.0.0.1/live/k')).toBe('rtmp');
    expect(probeRoute('RTMPS://ingest/live/k')).toBe('rtmp');
    expect(probeRoute('http://127.0.0.1:8000/live/k.flv')).toBe('http-flv');
    expect(probeRoute(join(dir, 'a.flv'))).toBe('flv-file');
    expect(probeRoute(join(dir, 'b.ts'))).toBe('mpegts');
    expect(probeRoute('srt://127.0.0.1:9000')).toBe('mpegts');
    expect(probeRoute('http://127.0.0.1/live/k.m3u8')).toBe('ffmpeg');
    expect(probeRoute('rtmp://127.0.0.1/live/k', 'ffmpeg')).toBe('ffmpeg');
  });

  it('reads an FLV file with no pictures as an empty timeline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-route-'));
    dirs.push(dir);
    const file = join(dir, 'empty.flv');
    writeFileSync(file, Buffer.from('FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00', 'latin1'));
    await expect(probeMetadata({ input: file })).resolves.toEqual({ messages: [], videoFrames: 0 });
  });
});
