// Finishing recordings from what is on disk: after a crash (an FLV cut mid-tag, a torn
// timeline line) and for HEVC, which ffmpeg 5.1 cannot read from FLV. Real encoder,
// real ffmpeg; the results are judged by ffprobe and by decoding.
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../../test/support/cleanups';
// The verifier lives in the studio layer; tests of the engine may be judged by it.
// eslint-disable-next-line no-restricted-imports
import { probeMetadata } from '../../../studio/metadataProbe';
import { createMemoryLogger } from '../../logger';
import { finalizeRecording, findUnfinishedRecordings } from './finalizeRecording';
import { summarizeFlvFile } from './flvFileSummary';
import { canvas, decodeVideo, explaining, probeChapters, product, recordShow } from './recordedShowForTests';
import { parseSidecar, sidecarPathFor } from './recordingSidecar';

const FRAME_MS = 1000 / canvas.fps;

const cleanups = stopsAfterEach();
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-finish-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Byte offset and size of the first video tag at or after `timestampMs` (walking tag headers). */
function videoTagAt(file: string, timestampMs: number): { offset: number; size: number } {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(11);
    readSync(fd, head, 0, 9, 0);
    let pos = head.readUInt32BE(5) + 4;
    while (readSync(fd, head, 0, 11, pos) === 11) {
      const size = head.readUIntBE(1, 3);
      const ts = (head.readUIntBE(4, 3) | (head[7]! << 24)) >>> 0;
      if (head[0] === 9 && ts >= timestampMs) return { offset: pos, size };
      pos += 11 + size + 4;
    }
  } finally {
    closeSync(fd);
  }
  throw new Error(`no video tag at or after ${timestampMs} ms in ${file}`);
}

describe('finalizeRecording', () => {
  it('finishes a recording left by a crash: chapters up to where the file ends', async () => {
    const folder = tempDir();
    const steps = [
      { offset: 8, message: product(1) },
      { offset: 30, message: product(2) },
      { offset: 40, message: explaining('started') },
      { offset: 65, message: product(3) },
    ];
    const show = await recordShow({ folder, frames: 90, steps, cleanup: (fn) => cleanups.push(fn) });
    // The crash: the recorder is never stopped. What it wrote is on disk as it is now;
    // a copy of it, cut in the middle of a video tag between products 2 and 3, is
    // what a power loss leaves, with half a timeline line at the end.
    expect(show.recorder.stats()).toMatchObject({ state: 'live', queuedBytes: 0, timelineEntries: 4 });
    const crashed = path.join(tempDir(), 'show.flv');
    copyFileSync(show.flvFile, crashed);
    copyFileSync(sidecarPathFor(show.flvFile), sidecarPathFor(crashed));
    const entries = parseSidecar(readFileSync(sidecarPathFor(crashed), 'utf8')).entries;
    expect(entries).toHaveLength(4);
    const cutTag = videoTagAt(crashed, Math.round((entries[1]!.ptsMs + entries[3]!.ptsMs) / 2));
    truncateSync(crashed, cutTag.offset + 11 + Math.floor(cutTag.size / 2));
    appendFileSync(sidecarPathFor(crashed), '{"ptsMs":2966,"frame":1');
    expect(findUnfinishedRecordings(path.dirname(crashed))).toEqual([crashed]);

    // Quitting during the finish leaves it unfinished, to be done at the next start.
    const quitting = new AbortController();
    quitting.abort();
    const cancelled = await finalizeRecording({ flvFile: crashed, ffmpegPath: 'ffmpeg', logger: createMemoryLogger(), signal: quitting.signal });
    expect(cancelled).toMatchObject({ mkv: 'cancelled', ffmetadataFile: null, mkvFile: null });
    expect(findUnfinishedRecordings(path.dirname(crashed))).toEqual([crashed]);

    const logger = createMemoryLogger();
    const progress: number[] = [];
    const result = await finalizeRecording({ flvFile: crashed, ffmpegPath: 'ffmpeg', logger, onProgress: (p) => progress.push(p) });
    const base = crashed.replace(/\.flv$/, '');
    expect(result).toMatchObject({ mkv: 'written', reason: null, mkvFile: `${base}.mkv`, ffmetadataFile: `${base}.ffmetadata`, sidecarFile: `${base}.metadata.jsonl` });
    expect(progress.at(-1)).toBe(1);
    expect(logger.lines.some((l) => /ends mid-tag after \d+ of \d+ bytes/.test(l))).toBe(true);
    expect(logger.lines.some((l) => /1 line\(s\) of the timeline did not parse/.test(l))).toBe(true);
    expect(findUnfinishedRecordings(path.dirname(crashed))).toEqual([]);

    // What survived: every whole frame, in the FLV and the MKV alike.
    const flv = await decodeVideo(crashed);
    const mkv = await decodeVideo(`${base}.mkv`);
    const summary = await summarizeFlvFile(crashed);
    expect(summary.completeBytes).toBe(cutTag.offset);
    expect(flv.frames).toBe(summary.videoFrames);
    // The torn frame is not copied: the MKV decodes without an error.
    expect(mkv).toEqual({ frames: flv.frames, errors: '' });
    expect(Math.abs(result.endMs - flv.frames * FRAME_MS)).toBeLessThanOrEqual(1);

    // Products 1 and 2 are in the file; product 3's frame never reached it.
    const chapters = await probeChapters(`${base}.mkv`);
    expect(chapters.map((c) => c.tags.title)).toEqual(['SKU-1 — Product 1', 'SKU-2 — Product 2']);
    expect(chapters[0]!.startMs).toBeCloseTo(entries[0]!.ptsMs, 3);
    expect(chapters[1]!.startMs).toBeCloseTo(entries[1]!.ptsMs, 3);
    expect(Math.abs(chapters[1]!.endMs - flv.frames * FRAME_MS)).toBeLessThanOrEqual(FRAME_MS);
    // The explaining started under product 2 and never ended: it runs to the end of the file.
    expect(chapters[1]!.tags.EXPLAINING).toBe(`${(entries[2]!.ptsMs / 1000).toFixed(3)}-${(result.endMs / 1000).toFixed(3)}`);
  }, 90_000);

  it('keeps the chapters of an HEVC recording as .ffmetadata, saying why there is no MKV', async () => {
    const folder = tempDir();
    const video = {
      codec: 'hevc' as const,
      label: 'x265',
      // B-frames on purpose: presentation and decode times differ, and the timeline follows the former.
      codecArgs: ['-c:v', 'libx265', '-preset', 'ultrafast', '-b:v', '800k', '-g', '30', '-x265-params', 'bframes=2:scenecut=0:log-level=error'],
    };
    const steps = [
      { offset: 6, message: product(1) },
      { offset: 31, message: product(2) },
    ];
    const show = await recordShow({ folder, frames: 60, steps, video, cleanup: (fn) => cleanups.push(fn) });
    await show.recorder.stop();
    const result = await show.recorder.whenFinished();
    const base = show.flvFile.replace(/\.flv$/, '');
    expect(result).toMatchObject({ mkv: 'skipped', mkvFile: null, ffmetadataFile: `${base}.ffmetadata` });
    expect(result!.reason).toBe('an HEVC recording is Enhanced FLV, which ffmpeg 5.1 cannot read: no MKV; the chapters are in ' + path.basename(`${base}.ffmetadata`));
    expect(show.logger.lines.some((l) => l.startsWith('warn ') && l.includes(result!.reason!))).toBe(true);
    expect(existsSync(`${base}.mkv`)).toBe(false);
    expect(show.recorder.stats()).toMatchObject({ chaptersFile: `${base}.ffmetadata`, chapters: { state: 'skipped', chapterCount: 2, error: result!.reason } });

    // ffprobe reads the chapters file itself: the products at their frames' PTS.
    const entries = parseSidecar(readFileSync(`${base}.metadata.jsonl`, 'utf8'));
    expect(entries.header?.video.codec).toBe('hevc');
    expect(entries.entries.map((e) => e.message)).toEqual(show.scheduled.map((s) => s.message));
    // On its own frame, or the next coded one if the encoder dropped it (busy machine).
    expect(entries.entries.every((e) => e.frame >= e.message.frame && e.frame - e.message.frame < 10)).toBe(true);
    const chapters = await probeChapters(`${base}.ffmetadata`);
    expect(chapters.map((c) => [c.tags.title, c.startMs])).toEqual(entries.entries.map((e) => [`${e.message.product!.sku} — ${e.message.product!.title}`, e.ptsMs]));
    // Programme frame N presents at N - first frame times, B-frames or not.
    // With B-frames, the verifier finds each change's SEI and cue point at the PTS of its
    // access unit, which the cue tag's own timestamp (the DTS) is not.
    const timeline = await probeMetadata({ input: show.flvFile, mode: 'auto' });
    let reordered = 0;
    for (const e of entries.entries) {
      const at = timeline.messages.filter((m) => (m.payload as { frame?: number }).frame === e.frame && m.ptsMs === e.ptsMs);
      expect(at.map((m) => m.source).sort(), JSON.stringify(e)).toEqual(['cuepoint', 'sei']);
      const cue = at.find((m) => m.source === 'cuepoint')!;
      expect(cue.frameIndex).toBe(at.find((m) => m.source === 'sei')!.frameIndex);
      if (cue.cuePoint!.messageTimeMs !== e.ptsMs) reordered++;
    }
    expect(timeline.messages.filter((m) => m.source === 'cuepoint')).toHaveLength(2);
    expect(reordered, 'B-frames: some access unit presents after its decode time').toBeGreaterThan(0);
    expect(Math.abs(chapters[1]!.endMs - result!.endMs)).toBeLessThanOrEqual(1);
    expect(findUnfinishedRecordings(folder)).toEqual([]);
  }, 90_000);
});
