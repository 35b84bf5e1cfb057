// What this machine can really encode. Every encoder the ffmpeg build lists is a
// candidate only: each is verified by a real short test encode at the canvas size, in
// its own ffmpeg process (a broken driver takes down that process, never the studio),
// all in parallel, each with a timeout, judged by exit code. Working ones are then
// timed one after another at the canvas. Results are cached per machine, ffmpeg build
// and driver (specs/ingest-facts.md: on a machine without the hardware each hardware
// probe exits 1 in ~0.1 s with a different first error line, which is the reason).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, hostname, setPriority } from 'node:os';
import { basename, dirname } from 'node:path';
import type { CanvasSettings, EncoderCapability, EncoderProbeResult } from '../../../shared/model';
import { cleanLogLine, firstErrorReason } from '../process/ffmpegOutput';
import { encoderCandidates, familyInfos, testEncodeArgs, type EncoderCandidate } from './encoderFamilies';
import { DEFAULT_VIDEO_SETTINGS, validateEncoderSettings, videoCodecArgs, type VideoEncodeSettings } from './encoderSettings';

export interface ProbeOptions {
  readonly ffmpegPath: string;
  readonly canvas: CanvasSettings;
  /** JSON cache; results are reused while machine, ffmpeg and driver are unchanged. */
  readonly cacheFile: string | null;
  /** Time each working encoder at the canvas (default true). */
  readonly measure?: boolean;
  /** Per test encode (default 10 s). */
  readonly timeoutMs?: number;
  /** Ignore the cache. */
  readonly force?: boolean;
  /** Stops every probe process (studio shutdown). */
  readonly signal?: AbortSignal;
}

/** The fallback size for "works, but not at this canvas": every family's encoders take 720p. */
const FALLBACK_CANVAS = { width: 1280, height: 720 } as const;
const TEST_FRAMES = 3;
/** ~2 s of encoding per encoder (issue 3), after the first progress report. */
const MEASURE_MS = 2000;
const CACHE_VERSION = 1;
const CACHE_ENTRIES = 8;

/** `ffmpeg -encoders`: the names of the video encoders (lines " V..... name  description"). */
export function parseEncoderList(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*V[A-Z.]{5}\s+(\S+)\s/.exec(line);
    if (m && m[1] !== '=') names.push(m[1]);
  }
  return [...new Set(names)];
}

export interface TestEncodeOutcome {
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly stderr: string;
}

/** Exit code decides; the reason is ffmpeg's first real error line, without the `[ctx @ 0x..]` noise. */
export function judgeTestEncode(outcome: TestEncodeOutcome, timeoutMs: number): { ok: boolean; reason: string | null } {
  if (outcome.timedOut) return { ok: false, reason: `test encode did not finish within ${timeoutMs} ms` };
  if (outcome.code === 0) return { ok: true, reason: null };
  const lines = outcome.stderr.split(/\r?\n/).filter((l) => l.trim());
  // The encoder's (or device's) own line, "[h264_nvenc @ 0x..] Cannot load libcuda.so.1",
  // comes first; ffmpeg's generic follow-ups ("Error initializing output stream") say nothing.
  const own = lines.filter((l) => !GENERIC_FAILURE.test(cleanLogLine(l)));
  const fromContext = own.find((l) => LOG_CONTEXT.test(l));
  const reason = fromContext ? fromContext.replace(LOG_CONTEXT, '').trim() : firstErrorReason(own.length ? own : lines);
  return { ok: false, reason: reason ?? `ffmpeg exited with code ${outcome.code}` };
}

/** `[h264_nvenc @ 0x55..]`; Windows builds print the pointer without 0x (`@ 000001f4..`). */
const LOG_CONTEXT = /^\[[^\]]*@ (0x)?[0-9a-f]+\]\s*/i;
const GENERIC_FAILURE =
  /^(Error initializing output stream|Error while opening encoder|Device creation failed|Failed to set value|Error parsing global options|Conversion failed|Error opening output|Error while filtering|Failed to inject frame)/i;

/** One candidate's verdict from its test encode at the canvas and, when that failed, at 720p. */
export function decideCapability(
  candidate: EncoderCandidate,
  canvas: CanvasSettings,
  atCanvas: { ok: boolean; reason: string | null },
  atFallback: { ok: boolean; reason: string | null } | null,
): EncoderCapability {
  const base = {
    id: candidate.id,
    encoder: candidate.encoder,
    family: candidate.family,
    label: candidate.label,
    codec: candidate.codec,
    hardware: candidate.hardware,
    device: candidate.device,
    fps: null,
  };
  if (atCanvas.ok) return { ...base, state: 'working', acceptsCanvas: true, reason: null };
  if (atFallback?.ok) {
    return { ...base, state: 'working', acceptsCanvas: false, reason: `does not accept ${canvas.width}x${canvas.height}: ${atCanvas.reason}` };
  }
  return { ...base, state: 'unavailable', acceptsCanvas: false, reason: atCanvas.reason };
}

/** Frames per second between the first and the last progress report. */
export function fpsFromProgress(samples: readonly { atMs: number; frame: number }[]): number | null {
  if (samples.length < 2) return null;
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (last.atMs <= first.atMs) return null;
  return Math.round(((last.frame - first.frame) * 10_000) / (last.atMs - first.atMs)) / 10;
}

export async function probeEncoders(options: ProbeOptions): Promise<EncoderProbeResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const [version, listing] = await Promise.all([
    runFfmpeg(options.ffmpegPath, ['-hide_banner', '-version'], 5000, options.signal),
    runFfmpeg(options.ffmpegPath, ['-hide_banner', '-encoders'], 5000, options.signal),
  ]);
  const ffmpegVersion = ffmpegVersionLine(version.stdout);
  const renderNodes = listDir('/dev/dri').filter((n) => n.startsWith('renderD')).map((n) => `/dev/dri/${n}`);
  const measure = options.measure ?? true;
  const key = cacheKey(ffmpegVersion, renderNodes, options.canvas, measure);
  if (options.cacheFile && !options.force) {
    const cached = readCache(options.cacheFile)[key];
    if (cached) return { ...cached, fromCache: true };
  }

  const listed = parseEncoderList(listing.stdout);
  const candidates = encoderCandidates(listed, renderNodes);
  const test = async (c: EncoderCandidate, size: { width: number; height: number }) =>
    judgeTestEncode(await runFfmpeg(options.ffmpegPath, testArgs(c, size, options.canvas.fps), timeoutMs, options.signal), timeoutMs);
  const availabilityStart = Date.now();
  const encoders = await Promise.all(
    candidates.map(async (c) => {
      const atCanvas = await test(c, options.canvas);
      const isFallbackSize = options.canvas.width === FALLBACK_CANVAS.width && options.canvas.height === FALLBACK_CANVAS.height;
      // Only a failure worth a second look: an encoder that cannot even open (no device) fails at 720p too.
      const atFallback = atCanvas.ok || isFallbackSize ? null : await test(c, FALLBACK_CANVAS);
      return decideCapability(c, options.canvas, atCanvas, atFallback);
    }),
  );
  const availabilityMs = Date.now() - availabilityStart;

  const measured: EncoderCapability[] = [];
  for (const [i, enc] of encoders.entries()) {
    // One after another: parallel encodes share the CPU (and the GPU) and skew each other.
    const fps = measure && enc.state === 'working' && enc.acceptsCanvas ? await measureFps(options, candidates[i]) : null;
    measured.push({ ...enc, fps });
  }

  const result: EncoderProbeResult = {
    canvas: options.canvas,
    ffmpegVersion,
    probedAt: started,
    fromCache: false,
    availabilityMs,
    totalMs: Date.now() - started,
    families: familyInfos(listed),
    encoders: measured,
  };
  if (options.cacheFile && !options.signal?.aborted) writeCache(options.cacheFile, key, result);
  return result;
}

function testArgs(c: EncoderCandidate, size: { width: number; height: number }, fps: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', ...c.inputArgs,
    '-f', 'lavfi', '-i', `testsrc2=size=${size.width}x${size.height}:rate=${fps}`,
    '-frames:v', String(TEST_FRAMES), ...testEncodeArgs(c), '-f', 'null', '-',
  ];
}

/** Encode testsrc2 at the canvas for ~2 s and count frames from `-progress`. */
async function measureFps(options: ProbeOptions, c: EncoderCandidate): Promise<number | null> {
  const { width, height, fps } = options.canvas;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:1', '-stats_period', '0.25', ...c.inputArgs,
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-frames:v', String(fps * 600), ...videoCodecArgs(c, options.canvas, measureSettings(c)), '-f', 'null', '-',
  ];
  const samples: { atMs: number; frame: number }[] = [];
  const out = await runFfmpeg(options.ffmpegPath, args, MEASURE_MS + 8000, options.signal, (chunk, child) => {
    for (const m of chunk.matchAll(/^frame=(\d+)$/gm)) {
      const frame = Number(m[1]);
      // The first report includes start-up (device open, lookahead fill): time from there.
      if (frame > 0) samples.push({ atMs: performance.now(), frame });
    }
    if (samples.length && performance.now() - samples[0].atMs >= MEASURE_MS) child.kill('SIGKILL');
  });
  return out.timedOut && samples.length < 2 ? null : fpsFromProgress(samples);
}

/**
 * Speed is measured with the live defaults (CBR, speed 3: x264 veryfast, NVENC p3), so
 * "x264 veryfast: 7 fps" is what the show would get, not ffmpeg's slower default preset.
 */
export function measureSettings(c: Pick<EncoderCandidate, 'encoder' | 'family' | 'codec'>): VideoEncodeSettings {
  const settings: VideoEncodeSettings = { ...DEFAULT_VIDEO_SETTINGS, codec: c.codec };
  return validateEncoderSettings(c, settings) ? { ...settings, rateControl: 'vbr' } : settings;
}

interface RunOutcome extends TestEncodeOutcome {
  readonly stdout: string;
}

function runFfmpeg(
  ffmpegPath: string,
  args: readonly string[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onStdout?: (chunk: string, child: { kill(sig: NodeJS.Signals): void }) => void,
): Promise<RunOutcome> {
  return new Promise((done) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    // A probe during a show must not take frames from it: run at the lowest priority
    // (measured speeds are then a floor, which is what a busy studio will get).
    try {
      if (child.pid) setPriority(child.pid, 19);
    } catch {
      // Not permitted here: probe at normal priority.
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      onStdout?.(s, child);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      if (stderr.length < 64_000) stderr += s;
    });
    child.on('error', (err) => {
      // ENOENT, or AbortError on shutdown: both are "could not run", never a crash.
      stderr += `${err.message}\n`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, timedOut, stdout, stderr });
    });
  });
}

export function ffmpegVersionLine(versionOutput: string): string {
  const first = versionOutput.split('\n')[0] ?? '';
  return first.replace(/\s+Copyright.*$/, '').trim() || 'ffmpeg (unknown version)';
}

/** What changes when a driver is installed, updated or a GPU added. */
function driverFingerprint(renderNodes: readonly string[]): string {
  const parts: string[] = [];
  const nvidia = readText('/proc/driver/nvidia/version');
  if (nvidia) parts.push(nvidia.trim());
  for (const node of renderNodes) {
    let driver = 'unknown';
    try {
      driver = basename(readlinkSync(`/sys/class/drm/${basename(node)}/device/driver`));
    } catch {
      // No sysfs (macOS, Windows, containers): the node list alone.
    }
    parts.push(`${node}:${driver}`);
  }
  parts.push(listDir('/dev').filter((n) => /^video\d+$/.test(n)).join(','));
  return parts.join('|');
}

function cacheKey(version: string, renderNodes: readonly string[], canvas: CanvasSettings, measure: boolean): string {
  const machine = `${hostname()}|${cpus()[0]?.model ?? 'cpu'}`;
  const raw = [machine, version, driverFingerprint(renderNodes), `${canvas.width}x${canvas.height}@${canvas.fps}`, measure].join('\n');
  return createHash('sha256').update(raw).digest('hex').slice(0, 32);
}

type CacheEntries = Record<string, EncoderProbeResult>;

function readCache(file: string): CacheEntries {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; entries?: CacheEntries };
    return parsed.version === CACHE_VERSION && parsed.entries ? parsed.entries : {};
  } catch {
    return {};
  }
}

function writeCache(file: string, key: string, result: EncoderProbeResult): void {
  const entries = Object.entries({ ...readCache(file), [key]: result })
    .sort((a, b) => b[1].probedAt - a[1].probedAt)
    .slice(0, CACHE_ENTRIES);
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Write then rename: a crash mid-write must not leave a cache that fails to parse.
    writeFileSync(`${file}.tmp`, JSON.stringify({ version: CACHE_VERSION, entries: Object.fromEntries(entries) }, null, 1));
    renameSync(`${file}.tmp`, file);
  } catch {
    // A cache we cannot write costs a re-probe next start, nothing more.
  }
}

function readText(path: string): string | null {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  } catch {
    return null;
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}
