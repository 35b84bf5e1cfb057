// FlvRecorder fed by real encoder output; the file is judged by ffprobe decoding it.
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrames, exitWithin, flvProducer, largestGapMs } from '../../../../test/support/streamProbe';
import { createMemoryLogger } from '../logger';
import { FlvReader } from '../mux/flvTags';
import { FlvToPackets } from '../mux/flvToPackets';
import { FlvRecorder } from './flvRecorder';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-rec-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('FlvRecorder', () => {
  it('writes a file that decodes with every frame', async () => {
    const folder = path.join(tempDir(), 'nested', 'recordings');
    const recorder = new FlvRecorder({ name: 'Programme', folder, logger: createMemoryLogger() });
    cleanups.push(() => recorder.stop());
    recorder.start();
    expect(recorder.state).toBe('live');
    const producer = flvProducer({ seconds: 3 });
    producer.start();
    cleanups.push(() => producer.stop({ graceMs: 1000 }));
    const reader = new FlvReader();
    const adapter = new FlvToPackets({ sink: recorder });
    producer.stdout.on('data', (chunk: Buffer) => adapter.onTags(reader.push(chunk)));
    expect(await exitWithin(producer, 20_000)).toBe(true);
    await recorder.stop();

    const stats = recorder.stats();
    expect(stats.state).toBe('idle');
    expect(path.basename(stats.file!)).toMatch(/^cuecast-\d{8}-\d{6}\.flv$/);
    expect(readdirSync(folder)).toEqual([path.basename(stats.file!)]);
    expect(stats.bytesSent).toBe(statSync(stats.file!).size);
    const got = await decodeFrames(stats.file!);
    expect(got.video).toHaveLength(90);
    expect(got.video[0]!.key).toBe(true);
    expect(largestGapMs(got.video.map((f) => f.ptsMs))).toBeLessThanOrEqual(34);
    expect(got.audio.length).toBeGreaterThan(120);

    // Crash safety: a file cut mid-tag still decodes up to the cut.
    truncateSync(stats.file!, Math.floor(stats.bytesSent * 0.6));
    const cut = await decodeFrames(stats.file!);
    expect(cut.video.length).toBeGreaterThan(30);
    expect(cut.video.length).toBeLessThan(90);
  });

  it('reports a folder it cannot create as an error, without throwing', () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const recorder = new FlvRecorder({ name: 'Backup', folder: path.join(blocker, 'rec'), logger: createMemoryLogger(), fileNamePrefix: 'show' });
    expect(() => recorder.start()).not.toThrow();
    expect(recorder.stats()).toMatchObject({ state: 'error', bytesSent: 0 });
    expect(recorder.stats().lastError).toMatch(/^Recorder "Backup": cannot create the folder .*not-a-folder\/rec \((ENOTDIR|EEXIST)/);
  });
});
