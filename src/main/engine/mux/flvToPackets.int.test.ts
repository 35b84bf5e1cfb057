// Real encoder output (ffmpeg `-f flv pipe:1`, with B-frames so PTS ≠ DTS) through
// FlvReader → FlvToPackets, delivered in whatever chunks the pipe gives.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AudioConfig, EncodedFrame, VideoConfig } from '../media/packets';
import { FlvReader } from './flvTags';
import { FlvToPackets } from './flvToPackets';

function encodeToFlv(seconds: number): Promise<Buffer[]> {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30',
    '-f', 'lavfi', '-i', 'sine=sample_rate=48000',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-bf', '2',
    '-c:a', 'aac', '-ac', '2', '-f', 'flv', 'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(chunks);
      else reject(new Error(`ffmpeg exited ${code}: ${stderr}`));
    });
  });
}

describe('FlvReader + FlvToPackets on real ffmpeg output', () => {
  it('yields every frame with programme frame numbers from PTS', async () => {
    const chunks = await encodeToFlv(2);
    const configs: { video: VideoConfig; audio: AudioConfig }[] = [];
    const frames: EncodedFrame[] = [];
    const adapter = new FlvToPackets({ sink: { onConfig: (video, audio) => configs.push({ video, audio }), onFrame: (f) => frames.push(f) } });
    const reader = new FlvReader();
    for (const chunk of chunks) adapter.onTags(reader.push(chunk));

    expect(reader.pendingBytes).toBe(0);
    expect(configs).toHaveLength(1);
    expect(configs[0]!.video).toMatchObject({ width: 320, height: 180, fps: 30 });
    expect(configs[0]!.audio).toMatchObject({ sampleRate: 48000, channels: 2 });

    const video = frames.filter((f) => f.type === 'video');
    expect(video).toHaveLength(60);
    // B-frames reorder, and ffmpeg shifts PTS by the reorder delay so DTS starts at 0:
    // sorted frame numbers must still be 60 consecutive ones.
    const numbers = video.map((f) => f.frame).sort((a, b) => a - b);
    const first = numbers[0]!;
    expect(first).toBeLessThanOrEqual(2);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => first + i));
    expect(video.some((f) => f.ptsMs !== f.dtsMs)).toBe(true);
    expect(video.filter((f) => f.keyframe).map((f) => f.frame)).toEqual([first, first + 30]);
    // Each body is a whole number of length-prefixed NAL units (length size 4 here).
    for (const f of video) {
      let offset = 0;
      while (offset < f.data.length) offset += 4 + f.data.readUInt32BE(offset);
      expect(offset).toBe(f.data.length);
    }
    const audio = frames.filter((f) => f.type === 'audio');
    // 2 s of 48 kHz AAC in 1024-sample frames ≈ 94.
    expect(audio.length).toBeGreaterThanOrEqual(90);
    expect(audio.length).toBeLessThanOrEqual(96);
  });
});
