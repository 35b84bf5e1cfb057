// FlvRecorder fed by real encoder output; the file is judged by ffprobe decoding it,
// its timeline by the independent verifier (probeMetadata) and its chapters by ffprobe.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { decodeFrames, exitWithin, flvProducer, largestGapMs } from '../../../../test/support/streamProbe';
// The verifier lives in the studio layer; tests of the engine may be judged by it.
// eslint-disable-next-line no-restricted-imports
import { probeMetadata, type ProbeMessage } from '../../studio/metadataProbe';
import { createMemoryLogger } from '../logger';
import { FlvReader } from '../mux/flvTags';
import { FlvToPackets } from '../mux/flvToPackets';
import { FlvRecorder } from './flvRecorder';
import { canvas, carrierFrame, decodeVideo, explaining, probeChapters, product, recordShow } from './recording/recordedShowForTests';
import { parseSidecar } from './recording/recordingSidecar';

const cleanups = stopsAfterEach();
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
    // Without ffmpeg for the MKV, the (empty) chapters still mark the recording finished.
    expect(await recorder.whenFinished()).toMatchObject({ mkv: 'skipped', chapters: [] });
    const name = path.basename(stats.file!, '.flv');
    expect(readdirSync(folder).sort()).toEqual([`${name}.ffmetadata`, `${name}.flv`, `${name}.metadata.jsonl`]);
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

  it('gives a restart within the same second its own files', async () => {
    const folder = tempDir();
    const recorder = new FlvRecorder({ name: 'Programme', folder, logger: createMemoryLogger(), fileNamePrefix: 'show' });
    cleanups.push(() => recorder.dispose());
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      recorder.start();
      files.push(path.basename(recorder.stats().file!));
      await recorder.stop();
    }
    await recorder.whenFinished();
    expect(new Set(files).size).toBe(3);
    for (const f of files) expect(f).toMatch(/^show-\d{8}-\d{6}(-[23])?\.flv$/);
    expect(readdirSync(folder).filter((f) => f.endsWith('.metadata.jsonl'))).toHaveLength(3);
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

const FRAME_MS = 1000 / canvas.fps;
const payloadOf = (m: ProbeMessage): Record<string, unknown> => m.payload as Record<string, unknown>;

describe('FlvRecorder timeline', () => {
  it('writes each change as SEI, cue point and sidecar line at one PTS, and a chaptered MKV', async () => {
    const folder = tempDir();
    const steps = [
      { offset: 8, message: product(1) },
      { offset: 30, message: product(2) },
      { offset: 40, message: explaining('started') },
      { offset: 55, message: explaining('ended') },
      { offset: 62, message: product(3) },
      { offset: 85, message: product(4) },
    ];
    const show = await recordShow({ folder, frames: 110, steps, cleanup: (fn) => cleanups.push(fn) });
    const { recorder, scheduled, coded, flvFile } = show;
    await recorder.stop();
    const result = await recorder.whenFinished();
    const base = flvFile.replace(/\.flv$/, '');

    // 1. The sidecar: a header, then one line per change, in order, none carried.
    const sidecar = parseSidecar(readFileSync(`${base}.metadata.jsonl`, 'utf8'));
    const lines = readFileSync(`${base}.metadata.jsonl`, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1 + steps.length);
    expect(sidecar.skippedLines).toBe(0);
    expect(sidecar.header).toMatchObject({ type: 'cuecast-recording', v: 1, file: path.basename(flvFile), video: { codec: 'h264', width: 640, height: 360, fps: 30 } });
    expect(Math.abs(sidecar.header!.startedAtWallMs - Date.now())).toBeLessThan(30_000);
    expect(sidecar.entries.map((e) => e.message)).toEqual(scheduled.map((s) => s.message));
    expect(sidecar.entries.map((e) => e.frame)).toEqual(scheduled.map((s) => carrierFrame(coded, s.frame)));
    expect(sidecar.entries.every((e) => e.carried === undefined && e.wallTimeMs >= sidecar.header!.startedAtWallMs)).toBe(true);

    // 2. The verifier, reading the FLV byte for byte: each change's SEI (its first
    // occurrence; later ones are keyframe repeats) and its cue point, at the sidecar's PTS.
    const timeline = await probeMetadata({ input: flvFile, mode: 'auto' });
    const seis = timeline.messages.filter((m) => m.source === 'sei');
    const cues = timeline.messages.filter((m) => m.source === 'cuepoint');
    expect(cues).toHaveLength(steps.length);
    // The recorder wrote every coded frame from its first keyframe on.
    const first = coded.length - timeline.videoFrames;
    for (const entry of sidecar.entries) {
      const what = JSON.stringify(entry);
      const sei = seis.find((m) => payloadOf(m).frame === entry.message.frame && payloadOf(m).kind === entry.message.kind);
      expect(sei, what).toBeDefined();
      expect(sei!.payload).toEqual(entry.message);
      expect(sei!.ptsMs, what).toBe(entry.ptsMs);
      // The access unit holding it is the sidecar's programme frame, at its frame time.
      expect(coded[first + sei!.frameIndex], what).toBe(entry.frame);
      expect(Math.abs(entry.ptsMs - sei!.frameIndex * FRAME_MS), what).toBeLessThanOrEqual(1);
      // The cue tag sits before the access unit: the verifier places it on that one.
      const cue = cues.filter((m) => m.frameIndex === sei!.frameIndex && payloadOf(m).kind === entry.message.kind);
      expect(cue, what).toHaveLength(1);
      expect(cue[0]!.payload).toEqual(entry.message);
      expect(cue[0]!.ptsMs, what).toBe(entry.ptsMs);
      expect(cue[0]!.cuePoint).toMatchObject({ name: `cuecast.${entry.message.kind}`, type: 'event', messageTimeMs: entry.ptsMs });
      expect(cue[0]!.cuePoint!.timeMs).toBeCloseTo(entry.ptsMs, 6);
    }

    // 3. The chaptered MKV: one chapter per product, from its frame's PTS to the next.
    expect(result).toMatchObject({ mkv: 'written', reason: null, mkvFile: `${base}.mkv`, ffmetadataFile: `${base}.ffmetadata` });
    const chapters = await probeChapters(`${base}.mkv`);
    const products = sidecar.entries.filter((e) => e.message.kind === 'product');
    expect(chapters.map((c) => c.tags.title)).toEqual(['SKU-1 — Product 1', 'SKU-2 — Product 2', 'SKU-3 — Product 3', 'SKU-4 — Product 4']);
    chapters.forEach((c, i) => {
      expect(Math.abs(c.startMs - products[i]!.ptsMs), `chapter ${i} start`).toBeLessThanOrEqual(FRAME_MS);
      if (i + 1 < chapters.length) expect(c.endMs).toBeCloseTo(chapters[i + 1]!.startMs, 3);
      expect(c.tags).toMatchObject({ SKU: `SKU-${i + 1}`, PRODUCT_ID: `p-${i + 1}` });
    });
    // The explaining span (frames +40..+55) lies inside product 2's chapter.
    const [started, ended] = sidecar.entries.filter((e) => e.message.kind === 'explaining');
    expect(chapters[1]!.tags.EXPLAINING).toBe(`${(started!.ptsMs / 1000).toFixed(3)}-${(ended!.ptsMs / 1000).toFixed(3)}`);
    expect(chapters.filter((c) => c.tags.EXPLAINING !== undefined)).toHaveLength(1);

    // 4. Both files decode completely, frame for frame; the last chapter ends with the picture.
    const flvDecoded = await decodeVideo(flvFile);
    const mkvDecoded = await decodeVideo(`${base}.mkv`);
    expect(flvDecoded.frames).toBe(timeline.videoFrames);
    expect(flvDecoded.frames).toBeGreaterThan(100);
    expect(mkvDecoded).toEqual({ frames: flvDecoded.frames, errors: '' });
    expect(chapters.at(-1)!.endMs).toBeCloseTo(flvDecoded.frames * FRAME_MS, -1);

    const stats = recorder.stats();
    expect(stats).toMatchObject({ sidecarFile: `${base}.metadata.jsonl`, chaptersFile: `${base}.mkv`, timelineEntries: steps.length });
    expect(stats.chapters).toEqual({ state: 'done', progress: 1, chapterCount: 4, error: null });
    expect(readdirSync(folder).sort()).toEqual(['.ffmetadata', '.flv', '.metadata.jsonl', '.mkv'].map((ext) => path.basename(base) + ext).sort());
  }, 90_000);

  it('starts a recording begun mid-show with the product on air, carried to its first frame', async () => {
    const folder = tempDir();
    const steps = [
      { offset: 5, message: product(1) },
      { offset: 10, message: explaining('started') },
      { offset: 15, message: explaining('ended') },
      { offset: 50, message: product(2) },
    ];
    const show = await recordShow({ folder, frames: 75, steps, startRecorderAfter: 25, cleanup: (fn) => cleanups.push(fn) });
    await show.recorder.stop();
    const result = await show.recorder.whenFinished();
    const sidecar = parseSidecar(readFileSync(show.flvFile.replace(/\.flv$/, '.metadata.jsonl'), 'utf8'));
    // Product 1 (taken before the recording) is on air at its first frame; the explaining
    // that ended before it is not; product 2 is a change like any other.
    expect(sidecar.entries.map((e) => [e.message.kind, e.carried ?? false])).toEqual([['product', true], ['product', false]]);
    expect(sidecar.entries[0]).toMatchObject({ ptsMs: 0, message: show.scheduled[0]!.message });
    expect(sidecar.entries[1]).toMatchObject({ frame: carrierFrame(show.coded, show.scheduled[3]!.frame), message: show.scheduled[3]!.message });
    const timeline = await probeMetadata({ input: show.flvFile, mode: 'auto' });
    expect(sidecar.entries[0]!.frame).toBe(show.coded[show.coded.length - timeline.videoFrames]);
    expect(timeline.messages.filter((m) => m.source === 'cuepoint').map((m) => [m.frameIndex, m.ptsMs])).toEqual(sidecar.entries.map((e) => [Math.round(e.ptsMs / FRAME_MS), e.ptsMs]));
    expect(result!.chapters.map((c) => [c.title, c.startMs])).toEqual([['SKU-1 — Product 1', 0], ['SKU-2 — Product 2', sidecar.entries[1]!.ptsMs]]);
  }, 60_000);

  it('finishes a short show\'s chaptered copy when the studio quits right after it, unless told not to wait', async () => {
    for (const [graceMs, expected] of [[undefined, 'written'], [0, 'cancelled']] as const) {
      const folder = tempDir();
      const show = await recordShow({ folder, frames: 60, steps: [{ offset: 10, message: product(1) }], cleanup: (fn) => cleanups.push(fn) });
      // Quit with the recording running: no stop() first, as on Ctrl-C during a show.
      await show.recorder.dispose(graceMs);
      const result = await show.recorder.whenFinished();
      expect(result?.mkv).toBe(expected);
      const mkv = show.flvFile.replace(/\.flv$/, '.mkv');
      expect(existsSync(mkv)).toBe(expected === 'written');
      if (expected === 'written') expect((await probeChapters(mkv)).map((c) => c.tags.title)).toEqual(['SKU-1 — Product 1']);
    }
  }, 60_000);
});

