// Finishing a recording (issue 4 "chapters per product in the recorded file"): from
// `name.flv` and its `name.metadata.jsonl`, the chapters go to `name.ffmetadata` and
// a chaptered copy `name.mkv` is remuxed by ffmpeg (-c copy: no re-encode). The same
// function finishes a recording that a crash left behind, so the studio can run it on
// every leftover at its next start.
//
// Done-ness is one file: `name.ffmetadata` appears last (after the MKV, or after the
// MKV was skipped or failed for good). A remux cut short by quitting leaves only
// `.part` files, and the recording is found again by findUnfinishedRecordings().
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { pipeline } from 'node:stream';
import path from 'node:path';
import type { Logger } from '../../logger';
import type { VideoCodec } from '../../media/packets';
import { FfmpegProcess, type ProcessExit } from '../../process/ffmpegProcess';
import { summarizeFlvFile } from './flvFileSummary';
import { buildChapters, ffmetadataText, type RecordingChapter } from './recordingChapters';
import { readSidecar, sidecarPathFor, type ParsedSidecar } from './recordingSidecar';

export const FFMETADATA_SUFFIX = '.ffmetadata';

export const ffmetadataPathFor = (flvFile: string): string => flvFile.replace(/\.flv$/i, '') + FFMETADATA_SUFFIX;
export const mkvPathFor = (flvFile: string): string => flvFile.replace(/\.flv$/i, '') + '.mkv';

export interface FinalizeRecordingOptions {
  readonly flvFile: string;
  /** Without it no MKV is made; the chapters are still written to `.ffmetadata`. */
  readonly ffmpegPath?: string;
  readonly logger: Logger;
  /** Gives up on the remux after this long (default 60 s + 1 s per 20 MB of FLV). */
  readonly timeoutMs?: number;
  /** Abort = the studio is quitting: the remux is killed and nothing is marked finished. */
  readonly signal?: AbortSignal;
  /** Fraction of the recording remuxed so far, 0..1. */
  readonly onProgress?: (fraction: number) => void;
  /**
   * What the recorder knew when it stopped (saves reading the whole FLV again). After
   * a crash, leave it out: the file's own tags say it.
   */
  readonly known?: { readonly codec: VideoCodec; readonly endMs: number };
}

export type FinalizeOutcome = 'written' | 'skipped' | 'failed' | 'cancelled';

export interface FinalizeRecordingResult {
  readonly flvFile: string;
  /** The timeline read, or null when there was none next to the FLV. */
  readonly sidecarFile: string | null;
  /** The chapters as FFMETADATA; null when cancelled. */
  readonly ffmetadataFile: string | null;
  /** The chaptered copy; null unless `mkv` is 'written'. */
  readonly mkvFile: string | null;
  readonly mkv: FinalizeOutcome;
  /** Why the MKV was skipped, failed or cancelled, for the operator. */
  readonly reason: string | null;
  readonly chapters: readonly RecordingChapter[];
  /** End of the picture on the recording's timeline (last frame's PTS + one frame). */
  readonly endMs: number;
}

/** Never throws: the result says what happened, and the logger why. */
export async function finalizeRecording(options: FinalizeRecordingOptions): Promise<FinalizeRecordingResult> {
  const log = options.logger.child(`chapters ${path.basename(options.flvFile)}`);
  try {
    return await finalize(options, log);
  } catch (err) {
    const reason = `cannot finish the recording: ${(err as Error).message}`;
    log.error(reason);
    return { flvFile: options.flvFile, sidecarFile: null, ffmetadataFile: null, mkvFile: null, mkv: 'failed', reason, chapters: [], endMs: 0 };
  }
}

async function finalize(options: FinalizeRecordingOptions, log: Logger): Promise<FinalizeRecordingResult> {
  const { flvFile } = options;
  const sidecarFile = sidecarPathFor(flvFile);
  const ffmetadataFile = ffmetadataPathFor(flvFile);
  const mkvFile = mkvPathFor(flvFile);
  const done = (mkv: FinalizeOutcome, reason: string | null, chapters: readonly RecordingChapter[] = [], endMs = 0): FinalizeRecordingResult => ({
    flvFile,
    sidecarFile: existsSync(sidecarFile) ? sidecarFile : null,
    ffmetadataFile: mkv === 'cancelled' ? null : ffmetadataFile,
    mkvFile: mkv === 'written' ? mkvFile : null,
    mkv,
    reason,
    chapters,
    endMs,
  });

  let timeline: ParsedSidecar = { header: null, entries: [], skippedLines: 0 };
  let codec: VideoCodec | 'other' | null;
  let endMs: number;
  let bytes: number;
  /** Where the last whole tag ends; the torn tail of a crashed file is left out of the MKV. */
  let wholeBytes: number;
  try {
    if (existsSync(sidecarFile)) timeline = await readSidecar(sidecarFile);
    else log.warn(`no timeline ${path.basename(sidecarFile)} next to the recording: no chapters`);
    if (timeline.skippedLines > 0) log.warn(`${timeline.skippedLines} line(s) of the timeline did not parse (cut by a crash?); kept the rest`);
    bytes = (await stat(flvFile)).size;
    wholeBytes = bytes;
    if (options.known) {
      ({ codec, endMs } = options.known);
    } else {
      const summary = await summarizeFlvFile(flvFile);
      if (summary.completeBytes < summary.bytes) log.warn(`the recording ends mid-tag after ${summary.completeBytes} of ${summary.bytes} bytes (cut by a crash); using what is whole`);
      const frameMs = timeline.header ? 1000 / timeline.header.video.fps : (summary.frameMs ?? 0);
      codec = summary.videoCodec;
      wholeBytes = summary.completeBytes;
      endMs = summary.lastVideoPtsMs === null ? 0 : summary.lastVideoPtsMs + frameMs;
    }
  } catch (err) {
    const reason = `cannot read the recording: ${(err as Error).message}`;
    log.error(reason);
    return done('failed', reason);
  }

  const chapters = buildChapters(timeline.entries, endMs);
  const globalTags: Record<string, string> = { title: path.basename(flvFile, path.extname(flvFile)), comment: 'Recorded by Cuecast; one chapter per product shown' };
  if (timeline.header) globalTags.creation_time = new Date(timeline.header.startedAtWallMs).toISOString();
  const part = `${ffmetadataFile}.part`;
  try {
    await writeFile(part, ffmetadataText(chapters, globalTags), 'utf8');
  } catch (err) {
    const reason = `cannot write ${part} (${(err as Error).message})`;
    log.error(reason);
    return done('failed', reason, chapters, endMs);
  }
  const finish = async (mkv: FinalizeOutcome, reason: string | null): Promise<FinalizeRecordingResult> => {
    if (mkv === 'cancelled') await rm(part, { force: true });
    else await rename(part, ffmetadataFile);
    return done(mkv, reason, chapters, endMs);
  };

  let skip: string | null = null;
  if (codec === 'hevc' || codec === 'av1') skip = `an ${codec.toUpperCase()} recording is Enhanced FLV, which ffmpeg 5.1 cannot read: no MKV; the chapters are in ${path.basename(ffmetadataFile)}`;
  else if (codec === null || endMs <= 0) skip = 'the recording holds no video: no MKV';
  else if (codec === 'other') skip = 'the recording is not H.264: no MKV';
  else if (!options.ffmpegPath) skip = `no ffmpeg was given: no MKV; the chapters are in ${path.basename(ffmetadataFile)}`;
  if (skip) {
    log.warn(skip);
    return finish('skipped', skip);
  }

  log.info(`writing ${path.basename(mkvFile)} with ${chapters.length} chapter(s)`);
  const started = Date.now();
  const outcome = await remux({ ...options, ffmpegPath: options.ffmpegPath!, part, mkvFile, endMs, bytes, wholeBytes, log });
  if (outcome.ok) {
    log.info(`wrote ${path.basename(mkvFile)}: ${chapters.length} chapter(s), ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return finish('written', null);
  }
  if (outcome.cancelled) log.warn(`stopped writing ${path.basename(mkvFile)} (${outcome.reason}); it is finished at the next start`);
  else log.error(`cannot write ${path.basename(mkvFile)}: ${outcome.reason}; the chapters are in ${path.basename(ffmetadataFile)}`);
  return finish(outcome.cancelled ? 'cancelled' : 'failed', outcome.reason);
}

interface RemuxJob extends FinalizeRecordingOptions {
  readonly ffmpegPath: string;
  readonly part: string;
  readonly mkvFile: string;
  readonly endMs: number;
  readonly bytes: number;
  readonly wholeBytes: number;
  readonly log: Logger;
}

async function remux(job: RemuxJob): Promise<{ ok: true } | { ok: false; cancelled: boolean; reason: string }> {
  const mkvPart = `${job.mkvFile}.part`;
  if (job.signal?.aborted) return { ok: false, cancelled: true, reason: 'the studio is stopping' };
  // A file cut mid-tag is fed up to its last whole tag through stdin: given the file,
  // ffmpeg copies the torn last frame into the MKV, where it fails to decode.
  const torn = job.wholeBytes < job.bytes;
  const proc = new FfmpegProcess({
    role: 'chapters remux',
    ffmpegPath: job.ffmpegPath,
    logger: job.log,
    stdinIsMedia: torn,
    args: [
      '-y', ...(torn ? ['-f', 'flv', '-i', 'pipe:0'] : ['-i', job.flvFile]), '-f', 'ffmetadata', '-i', job.part,
      // Picture and sound only: ffmpeg's FLV reader may make a data stream of our cue points.
      '-map', '0:v:0', '-map', '0:a?', '-map_metadata', '1', '-map_chapters', '1',
      // -copyts keeps the FLV's timestamps, which the chapter times are measured on.
      '-c', 'copy', '-copyts', '-f', 'matroska', mkvPart,
    ],
  });
  let stopped: { cancelled: boolean; reason: string } | null = null;
  const stopFor = (cancelled: boolean, reason: string): void => {
    stopped ??= { cancelled, reason };
    // SIGKILL, not `q`: `q` makes ffmpeg close a valid but short file and exit 0.
    proc.kill();
  };
  const onAbort = (): void => stopFor(true, 'the studio is stopping');
  job.signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = job.timeoutMs ?? 60_000 + Math.ceil(job.bytes / 20e6) * 1000;
  const timer = setTimeout(() => stopFor(false, `ffmpeg did not finish within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
  const offProgress = proc.onProgress((p) => {
    if (p.outTimeMs !== null && job.endMs > 0) job.onProgress?.(Math.min(1, Math.max(0, p.outTimeMs / job.endMs)));
  });
  let exit: ProcessExit;
  try {
    const exited = new Promise<ProcessExit>((resolve) => proc.onExit(resolve));
    proc.start();
    if (torn) {
      const input = createReadStream(job.flvFile, { start: 0, end: job.wholeBytes - 1 });
      // A read error would look like a short file to ffmpeg, which then exits 0.
      input.on('error', (err) => stopFor(false, `cannot read ${path.basename(job.flvFile)} (${err.message})`));
      // pipeline() closes the file when ffmpeg goes away first; its exit says why.
      pipeline(input, proc.stdin, () => undefined);
    }
    try {
      // A copy must not slow the live show: lowest CPU priority.
      if (proc.pid !== undefined) setPriority(proc.pid, 19);
    } catch {
      // Not permitted here: it still runs, at normal priority.
    }
    exit = await exited;
  } finally {
    clearTimeout(timer);
    offProgress();
    job.signal?.removeEventListener('abort', onAbort);
  }
  const failed = stopped as { cancelled: boolean; reason: string } | null;
  if (!failed && exit.code === 0 && existsSync(mkvPart)) {
    await rename(mkvPart, job.mkvFile);
    job.onProgress?.(1);
    return { ok: true };
  }
  await rm(mkvPart, { force: true });
  return { ok: false, cancelled: failed?.cancelled ?? false, reason: failed?.reason ?? exit.reason ?? `ffmpeg exited with code ${exit.code}` };
}

/**
 * Recordings in `folder` that have a timeline but were never finished (the studio
 * stopped or crashed before): pass each to finalizeRecording(). Call it before this
 * folder's recorder starts, or it lists the recording in progress too.
 */
export function findUnfinishedRecordings(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.flv$/i.test(n))
    .map((n) => path.join(folder, n))
    .filter((f) => existsSync(sidecarPathFor(f)) && !existsSync(ffmetadataPathFor(f)))
    .sort();
}
