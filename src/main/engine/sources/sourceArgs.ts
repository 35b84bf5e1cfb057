// ffmpeg arguments for one source process, per source kind. Pure: no I/O, so every
// builder is unit-tested. Every source process writes the same three outputs, so the
// worker treats all kinds alike (DESIGN.md §1, "one ffmpeg per source"):
//   fd 1  raw video, yuv420p, exactly canvas WxH at the canvas rate (letterboxed);
//   fd 3  PCM, s16le 48 kHz stereo, always present (silence when the input has none);
//   fd 4  preview MJPEG (image2pipe), ~10 fps, 320 px wide (180 px for portrait).
import { accessSync, constants, existsSync, statSync, type Stats } from 'node:fs';
import type { CanvasSettings, CaptureDeviceSpec, NetworkFeedSpec, SourceSpec, TestPatternSpec } from '../../../shared/model';

import { AUDIO_CHANNELS, AUDIO_RATE, previewSize } from '../media/rawFormat';
import { isHttpFlvUrl } from '../play/httpFlv';

export { AUDIO_CHANNELS, AUDIO_RATE, previewSize };
export const PREVIEW_FPS = 10;
export const DEFAULT_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** Schemes a network feed may use; `tcp`/`udp` carry MPEG-TS from encoders and relays. */
export const SUPPORTED_FEED_SCHEMES = ['rtmp', 'rtmps', 'srt', 'rtsp', 'http', 'https', 'tcp', 'udp'] as const;

// A dead TCP/SRT/HTTP peer must make ffmpeg fail instead of waiting forever; the
// worker's watchdog is the real guarantee, this just gets a better reason sooner.
const IO_TIMEOUT_US = '5000000';
/** Covers a publisher's GOP of up to ~5 s (commerce ingests ask for 2–4 s). */
const FLV_PROBE_US = '6000000';
/** Ends the wait for audio early on a feed that carries video only (~1.3 s at 6 Mb/s). */
const FLV_PROBE_BYTES = '1000000';
/** Feeds whose streams are declared up front, and FLV feeds known to carry no audio. */
const SHORT_PROBE_US = '500000';

/** Where a source's audio comes from: its input, or generated silence (it has none). */
export type AudioMode = 'input' | 'silence';

export interface SourceArgsOptions {
  /** Font for burned-in text; null lets fontconfig pick one. */
  readonly fontFile?: string | null;
  /**
   * 'input': take the input's first audio stream; 'silence': generate silence because
   * the input has none (the worker learns this from ffmpeg's "matches no streams").
   */
  readonly audio?: AudioMode;
  /**
   * Where raw frames go: stdout, or a Unix socket ffmpeg listens on. The socket lets
   * main read straight into pooled frame buffers (Node's onread), which measured a
   * third of the CPU of reading 64 KB pipe chunks and reassembling frames.
   */
  readonly videoSocketPath?: string;
}

/** Height of the frame barcode strip at the bottom of a test pattern. */
export function barcodeHeight(canvasHeight: number): number {
  return Math.max(8, even(canvasHeight / 45));
}

/** Bytes in one raw yuv420p canvas frame. */
export function frameBytes(canvas: CanvasSettings): number {
  return (canvas.width * canvas.height * 3) / 2;
}

export function buildSourceArgs(spec: SourceSpec, canvas: CanvasSettings, options: SourceArgsOptions = {}): string[] {
  // With its own sound, a file's or a feed's picture and sound go on one timeline from
  // zero, so main can pair them (lipSync.ts).
  const ownSound = options.audio !== 'silence';
  switch (spec.kind) {
    case 'testPattern':
      return testPatternArgs(spec, canvas, options);
    case 'mediaFile':
      // -stream_loop -1 loops the file forever. No -re: main reads it at the canvas rate
      // a few frames ahead (mediaPacer.ts), which rides over the loop's decoder restart.
      return normalisedArgs(['-stream_loop', '-1', '-i', spec.path], canvas, options, { soundOnTimeline: ownSound, pictureFromZero: ownSound });
    case 'networkFeed':
      return normalisedArgs(networkInput(spec, options.audio ?? 'input'), canvas, options, { soundOnTimeline: ownSound, pictureFromZero: ownSound });
    case 'captureDevice':
      return captureArgs(spec, canvas, options);
  }
}

function testPatternArgs(spec: TestPatternSpec, canvas: CanvasSettings, options: SourceArgsOptions): string[] {
  const { width: W, height: H, fps } = canvas;
  const font = fontOption(options);
  const blockY = Math.round(0.55 * H);
  const blockH = Math.round(0.9 * H) - blockY;
  const nameSize = Math.max(12, Math.round(H / 8));
  const infoSize = Math.max(10, Math.round(H / 16));
  const margin = Math.round(H / 24);
  const filters = [
    // IDENTITY BLOCK: x∈[0, W/4), y∈[0.55H, 0.9H), the source's colour, nothing over it.
    // Tests sample its centre to tell which camera is on air.
    `drawbox=x=0:y=${blockY}:w=${Math.floor(W / 4)}:h=${blockH}:color=${ffmpegColor(spec.color)}:t=fill`,
    `drawtext=${font}expansion=none:text=${esc(displayText(spec.name))}:x=${margin}:y=${margin}` +
      `:fontsize=${nameSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(nameSize / 6)}`,
    // Frame counter and wall clock, so a viewer sees motion and delay at a glance.
    `drawtext=${font}text=${esc('frame %{n}  %{localtime:%T}')}:x=${margin}:y=${margin * 2 + nameSize}` +
      `:fontsize=${infoSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(infoSize / 5)}`,
    ...barcodeFilters(W, H),
    'format=yuv420p',
  ];
  const audio = spec.toneHz > 0
    ? `sine=frequency=${spec.toneHz}:sample_rate=${AUDIO_RATE}`
    : `anullsrc=channel_layout=stereo:sample_rate=${AUDIO_RATE}`;
  return [
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=${fps}`,
    '-re', '-f', 'lavfi', '-i', audio,
    ...outputs(canvas, `[0:v]${filters.join(',')}`, '[1:a]', options, false),
  ];
}

/**
 * FRAME BARCODE: a black strip across the full width at the very bottom, height
 * barcodeHeight(H), split into 16 equal cells (cell k spans x∈[kW/16, (k+1)W/16)).
 * Cell k (0 = leftmost) is white when bit (15-k) of the frame number n is 1, else black;
 * n is lavfi's frame index mod 65536 (the same n as the burned-in counter). Tests read
 * the luma at each cell's centre to recover the source frame number from any decoded
 * copy of the stream (programme, encoder output, ingest), so frame identity survives
 * scaling and lossy coding.
 */
function barcodeFilters(W: number, H: number): string[] {
  const bh = barcodeHeight(H);
  const y = H - bh;
  const cells: string[] = [`drawbox=x=0:y=${y}:w=${W}:h=${bh}:color=black:t=fill`];
  for (let k = 0; k < 16; k++) {
    const x0 = Math.floor((k * W) / 16);
    const x1 = Math.floor(((k + 1) * W) / 16);
    const bit = 2 ** (15 - k);
    cells.push(`drawbox=x=${x0}:y=${y}:w=${x1 - x0}:h=${bh}:color=white:t=fill:enable=${esc(`mod(floor(n/${bit}),2)`)}`);
  }
  return cells;
}

/**
 * Whether main paces the source's frames (mediaPacer.ts) because its ffmpeg delivers
 * them faster than real time: a media file, and a feed fetched over HTTP in pieces (HLS
 * segments, a file on a web server), which ffmpeg reads a segment at a time as fast as
 * it downloads. (An HLS feed read unpaced showed 39 new frames in 10 s.) HTTP-FLV
 * streams in real time like RTMP and is not paced.
 */
export function pacedByMain(spec: SourceSpec): boolean {
  if (spec.kind === 'mediaFile') return true;
  if (spec.kind !== 'networkFeed') return false;
  const scheme = feedScheme(spec.url);
  return (scheme === 'http' || scheme === 'https') && !isHttpFlvUrl(spec.url);
}

/** "rtmp" for "RTMP://host/…": what comes before the first colon, lower case. */
function feedScheme(url: string): string {
  return url.slice(0, url.indexOf(':')).toLowerCase();
}

/**
 * Whether a feed arrives as FLV: RTMP(S), or HTTP(S) with a `.flv` path (HTTP-FLV, as
 * node-media-server, SRS and the CDNs serve it).
 */
export function isFlvFeed(url: string): boolean {
  const scheme = feedScheme(url);
  return scheme === 'rtmp' || scheme === 'rtmps' || isHttpFlvUrl(url);
}

function networkInput(spec: NetworkFeedSpec, audio: AudioMode): string[] {
  const scheme = feedScheme(spec.url);
  let url = spec.url;
  const extra: string[] = [];
  switch (scheme) {
    case 'rtsp':
      extra.push('-rtsp_transport', 'tcp', '-timeout', IO_TIMEOUT_US);
      break;
    case 'srt':
      // We pull from an encoder or relay that listens; the URL may say otherwise.
      if (!/[?&]mode=/.test(url)) url += (url.includes('?') ? '&' : '?') + 'mode=caller';
      extra.push('-rw_timeout', IO_TIMEOUT_US);
      break;
    case 'udp':
      // UDP has no connection to lose; the worker's watchdog notices a silent feed.
      break;
    default:
      extra.push('-rw_timeout', IO_TIMEOUT_US);
  }
  return [...liveProbe(spec.url, audio), ...extra, '-i', url];
}

/**
 * How long ffmpeg looks at a live feed before it starts. The default ~5 s window would
 * delay every feed (specs/ingest-facts.md), so MPEG-TS, RTSP and HLS feeds, whose
 * streams are declared up front (PMT, SDP), probe briefly and keep their own latency.
 * FLV is different: its streams appear with their first packets, and nginx-rtmp holds a
 * new player's video until the publisher's next keyframe while sending audio at once.
 * A short probe then ends with audio only and the feed never shows a picture (measured
 * against a 4 s GOP: 3 of 3 joins failed). FLV feeds probe until both streams have
 * appeared, up to FLV_PROBE_US of stream time, and keep what the probe read: `nobuffer`
 * would throw away the keyframe that ended the probe and wait another whole GOP.
 * A feed already found to carry no audio ('silence') has nothing to wait for once its
 * video is there, yet ffmpeg's FLV probe waits the whole window for a second stream:
 * the retry probes briefly, so a video-only feed's picture comes one window sooner.
 */
function liveProbe(url: string, audio: AudioMode): string[] {
  if (isFlvFeed(url)) {
    const probeUs = audio === 'silence' ? SHORT_PROBE_US : FLV_PROBE_US;
    return ['-analyzeduration', probeUs, '-probesize', FLV_PROBE_BYTES, '-flags', 'low_delay'];
  }
  return ['-analyzeduration', SHORT_PROBE_US, '-probesize', '200000', '-fflags', 'nobuffer', '-flags', 'low_delay'];
}

function captureArgs(spec: CaptureDeviceSpec, canvas: CanvasSettings, options: SourceArgsOptions): string[] {
  // Capture devices are live by nature: no -re. A device's own audio is input 0's.
  switch (spec.backend) {
    case 'v4l2': {
      const input = ['-f', 'v4l2', '-thread_queue_size', '64', '-i', spec.device];
      if (!spec.audioDevice) return normalisedArgs(input, canvas, { ...options, audio: 'silence' });
      return normalisedArgs([...input, '-f', 'alsa', '-thread_queue_size', '1024', '-i', spec.audioDevice], canvas, options, { audioLabel: '[1:a:0]' });
    }
    case 'dshow': {
      const video = spec.device.startsWith('video=') ? spec.device : `video=${spec.device}`;
      const audio = spec.audioDevice ? (spec.audioDevice.startsWith('audio=') ? spec.audioDevice : `audio=${spec.audioDevice}`) : null;
      const input = ['-f', 'dshow', '-rtbufsize', '256M', '-i', audio ? `${video}:${audio}` : video];
      return normalisedArgs(input, canvas, audio ? options : { ...options, audio: 'silence' });
    }
    case 'avfoundation': {
      // "V:A" by name or index; an empty audio part means none.
      const input = ['-f', 'avfoundation', '-framerate', String(canvas.fps), '-i', `${spec.device}:${spec.audioDevice ?? ''}`];
      return normalisedArgs(input, canvas, spec.audioDevice ? options : { ...options, audio: 'silence' });
    }
    case 'decklink':
      return normalisedArgs(['-f', 'decklink', '-i', spec.device], canvas, options);
  }
}

/**
 * Any real input → canvas: constant rate (fps filter), letterboxed (scale down to fit,
 * pad to the canvas, square pixels). Input 0 is the media; when it has no audio a
 * silent lavfi input is added so fd 3 always flows. `audioLabel`: where the sound is
 * (default input 0's); `soundOnTimeline`: fill and trim it to its timestamps from zero
 * (a looped file, whose picture the fps filter keeps on its timestamps);
 * `pictureFromZero`: the picture too, so frame i is the picture of time i/fps.
 */
function normalisedArgs(
  input: string[],
  canvas: CanvasSettings,
  options: SourceArgsOptions,
  { audioLabel = '[0:a:0]', soundOnTimeline = false, pictureFromZero = false }: { audioLabel?: string; soundOnTimeline?: boolean; pictureFromZero?: boolean } = {},
): string[] {
  const { width: W, height: H, fps } = canvas;
  const video =
    `[0:v:0]fps=${fps}${pictureFromZero ? ':start_time=0' : ''},scale=${W}:${H}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
    `pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p`;
  if (options.audio === 'silence') {
    const inputIndex = input.filter((a) => a === '-i').length;
    // Paced by the media beside it: ffmpeg feeds the output that is furthest behind.
    const silence = ['-f', 'lavfi', '-i', `anullsrc=channel_layout=stereo:sample_rate=${AUDIO_RATE}`];
    return [...input, ...silence, ...outputs(canvas, video, `[${inputIndex}:a]`, options, false)];
  }
  return [...input, ...outputs(canvas, video, audioLabel, options, soundOnTimeline)];
}

function outputs(canvas: CanvasSettings, videoChain: string, audioIn: string, options: SourceArgsOptions, soundOnTimeline: boolean): string[] {
  const preview = previewSize(canvas);
  const graph = [
    `${videoChain},split=2[vout][vprev]`,
    // Thumbnails only: the cheapest scaler (a 6x bicubic downscale costs ~24 taps a pixel).
    `[vprev]fps=${PREVIEW_FPS},scale=${preview.width}:${preview.height}:flags=fast_bilinear[pout]`,
    `${audioIn}aresample=${AUDIO_RATE}${soundOnTimeline ? ':async=1:min_hard_comp=0.01:first_pts=0' : ''},aformat=sample_fmts=s16:sample_rates=${AUDIO_RATE}:channel_layouts=stereo[aout]`,
  ].join(';');
  return [
    '-filter_complex', graph,
    '-map', '[vout]', '-f', 'rawvideo', '-pix_fmt', 'yuv420p',
    ...(options.videoSocketPath ? ['-listen', '1', `unix:${options.videoSocketPath}`] : ['pipe:1']),
    '-map', '[aout]', '-f', 's16le', '-ar', String(AUDIO_RATE), '-ac', String(AUDIO_CHANNELS), 'pipe:3',
    '-map', '[pout]', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '8', 'pipe:4',
  ];
}

function fontOption(options: SourceArgsOptions): string {
  const font = options.fontFile === undefined ? DEFAULT_FONT_FILE : options.fontFile;
  return font ? `fontfile=${esc(font)}:` : '';
}

/** "#c0392b" / "#c39" → "0xc0392b"; anything else is passed as an ffmpeg colour name. */
export function ffmpegColor(css: string): string {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(css.trim());
  if (!m) return css.trim();
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return `0x${hex.toLowerCase()}`;
}

function displayText(text: string): string {
  // Control characters would end the line in drawtext; names are one line.
  return text.replace(/\p{Cc}/gu, ' ');
}

/**
 * Escape a value for a filter option inside -filter_complex. Two parsers read it:
 * the option parser (`\ ' :` are special) and then the graph parser (`\ ' [ ] , ;`),
 * so the option level is escaped first and the graph level over it
 * (ffmpeg-filters.html, "Notes on filtergraph escaping").
 */
export function esc(value: string): string {
  const option = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

function even(n: number): number {
  return Math.max(2, 2 * Math.round(n / 2));
}

/**
 * Checks a spec before any process starts. Returns null when it can be tried, or a
 * reason that names the source and the problem in the operator's words; URLs are
 * shown without credentials, paths or stream keys.
 */
export function validateSourceSpec(spec: SourceSpec, platform: NodeJS.Platform = process.platform): string | null {
  const who = `"${spec.name?.trim() || 'unnamed source'}"`;
  if (!spec.name?.trim()) return 'a source needs a name';
  switch (spec.kind) {
    case 'testPattern':
      if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(spec.color)) return `${who}: colour "${spec.color}" is not #rrggbb`;
      if (!Number.isFinite(spec.toneHz) || spec.toneHz < 0 || spec.toneHz > 20_000) return `${who}: tone must be 0–20000 Hz`;
      return null;
    case 'mediaFile':
      return validateFile(who, spec.path);
    case 'networkFeed':
      return validateFeedUrl(who, spec.url);
    case 'captureDevice':
      return validateDevice(who, spec, platform);
  }
}

function validateFile(who: string, path: string): string | null {
  if (!path.trim()) return `${who}: no media file chosen`;
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    return `${who}: media file not found: ${path}`;
  }
  if (!stat.isFile()) return `${who}: ${path} is not a file`;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return `${who}: media file is not readable (permission denied): ${path}`;
  }
  return null;
}

function validateFeedUrl(who: string, raw: string): string | null {
  const supported = SUPPORTED_FEED_SCHEMES.map((s) => `${s}://`).join(', ');
  const url = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return `${who}: feed URL is malformed (expected scheme://host…; supported: ${supported})`;
  if (!(SUPPORTED_FEED_SCHEMES as readonly string[]).includes(scheme)) {
    return `${who}: unsupported feed scheme "${scheme}://" (supported: ${supported})`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${who}: feed URL is malformed (${scheme}://…)`;
  }
  if (!parsed.hostname) return `${who}: feed URL has no host (${scheme}://…)`;
  if (parsed.port && (Number(parsed.port) < 1 || Number(parsed.port) > 65_535)) return `${who}: feed URL port is out of range`;
  if (/\s/.test(url)) return `${who}: feed URL contains spaces (${scheme}://${parsed.host}/…)`;
  return null;
}

const BACKEND_PLATFORMS: Readonly<Record<CaptureDeviceSpec['backend'], readonly NodeJS.Platform[] | null>> = {
  v4l2: ['linux'],
  dshow: ['win32'],
  avfoundation: ['darwin'],
  decklink: null,
};

function validateDevice(who: string, spec: CaptureDeviceSpec, platform: NodeJS.Platform): string | null {
  const platforms = BACKEND_PLATFORMS[spec.backend];
  if (!platforms) return spec.device.trim() ? null : `${who}: no DeckLink device chosen`;
  if (!platforms.includes(platform)) return `${who}: ${spec.backend} capture is not available on ${platform}`;
  if (!spec.device.trim()) return `${who}: no capture device chosen`;
  if (spec.backend === 'v4l2') {
    if (!spec.device.startsWith('/dev/')) return `${who}: "${spec.device}" is not a device path (expected /dev/videoN)`;
    if (!existsSync(spec.device)) return `${who}: capture device ${spec.device} does not exist (unplugged?)`;
  }
  return null;
}
