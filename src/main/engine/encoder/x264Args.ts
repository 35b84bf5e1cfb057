// Arguments for the programme encoder: raw yuv420p frames on stdin, s16le PCM on
// fd 3; FLV (H.264 + AAC) on stdout for our mux stage, small MJPEG previews of the
// programme on fd 4 for the control room.
import type { CanvasSettings, EncoderSettings } from '../../../shared/model';

import { AUDIO_CHANNELS, AUDIO_RATE, previewSize } from '../media/rawFormat';

export { AUDIO_CHANNELS, AUDIO_RATE, previewSize };

/** H.264 Table A-1 limits: max frame size (macroblocks), max MB/s, max High-profile kbps. */
const H264_LEVELS: readonly { level: string; maxFs: number; maxMbps: number; maxKbps: number }[] = [
  { level: '3.1', maxFs: 3600, maxMbps: 108_000, maxKbps: 17_500 },
  { level: '3.2', maxFs: 5120, maxMbps: 216_000, maxKbps: 25_000 },
  { level: '4.0', maxFs: 8192, maxMbps: 245_760, maxKbps: 25_000 },
  { level: '4.1', maxFs: 8192, maxMbps: 245_760, maxKbps: 62_500 },
  { level: '4.2', maxFs: 8704, maxMbps: 522_240, maxKbps: 62_500 },
  { level: '5.0', maxFs: 22_080, maxMbps: 589_824, maxKbps: 168_750 },
  { level: '5.1', maxFs: 36_864, maxMbps: 983_040, maxKbps: 300_000 },
  { level: '5.2', maxFs: 36_864, maxMbps: 2_073_600, maxKbps: 300_000 },
];

/** The lowest H.264 level that fits the canvas and bitrate (2160p30 → 5.1, 2160p60 → 5.2). */
export function h264LevelFor(canvas: CanvasSettings, bitrateKbps: number): string {
  const mbs = Math.ceil(canvas.width / 16) * Math.ceil(canvas.height / 16);
  // Level limits also cap each dimension at sqrt(8 * MaxFS) macroblocks (A.3.1 h/i).
  const maxDim = Math.max(Math.ceil(canvas.width / 16), Math.ceil(canvas.height / 16));
  const found = H264_LEVELS.find(
    (l) => mbs <= l.maxFs && mbs * canvas.fps <= l.maxMbps && bitrateKbps <= l.maxKbps && maxDim * maxDim <= 8 * l.maxFs,
  );
  return found?.level ?? '5.2';
}

/**
 * "auto": what this class of machine holds in real time with libx264 on two cores
 * (DESIGN.md §4: 720p veryfast ~147 fps, 1080p ultrafast ~65 fps, 4K never).
 */
export function resolveX264Preset(settings: EncoderSettings, canvas: CanvasSettings): string {
  if (settings.x264Preset !== 'auto') return settings.x264Preset;
  const pixelsPerSecond = canvas.width * canvas.height * canvas.fps;
  if (pixelsPerSecond <= 1280 * 720 * 30) return 'veryfast';
  if (pixelsPerSecond <= 1280 * 720 * 60) return 'superfast';
  return 'ultrafast';
}

export function samplesPerFrame(fps: number): number {
  return AUDIO_RATE / fps;
}

/** The programme's video coding: H.264 CBR, a keyframe every N seconds exactly (no
 * scene-cut keyframes), zerolatency (no lookahead, no B-frames), the lowest level that fits. */
export function x264VideoCodecArgs(canvas: CanvasSettings, settings: EncoderSettings): string[] {
  const kbps = settings.videoBitrateKbps;
  const gop = Math.max(1, Math.round(settings.keyframeIntervalSec * canvas.fps));
  return [
    '-c:v', 'libx264', '-preset', resolveX264Preset(settings, canvas), '-tune', 'zerolatency',
    '-profile:v', 'high', '-level:v', h264LevelFor(canvas, kbps), '-pix_fmt', 'yuv420p',
    '-b:v', `${kbps}k`, '-minrate', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
    '-x264-params', 'nal-hrd=cbr:force-cfr=1',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709',
  ];
}

export function aacCodecArgs(settings: EncoderSettings): string[] {
  return ['-c:a', 'aac', '-b:a', `${settings.audioBitrateKbps}k`, '-ar', String(AUDIO_RATE), '-ac', String(AUDIO_CHANNELS)];
}

/** AAC encoders start with 1024 samples of priming: the muxer shifts audio by this. */
export const AAC_PRIMING_MS = (1024 * 1000) / AUDIO_RATE;

// Raw inputs need no probing; with ffmpeg's default it reads seconds ahead.
const NO_PROBE = ['-probesize', '32', '-analyzeduration', '0'];
const FLV_OUT = ['-flush_packets', '1', '-f', 'flv', '-flvflags', 'no_duration_filesize'];

export type VideoContainer = 'flv' | 'mpegts' | 'ivf';
const CONTAINER_OUT: Readonly<Record<VideoContainer, readonly string[]>> = {
  flv: FLV_OUT,
  mpegts: ['-flush_packets', '1', '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0'],
  ivf: ['-flush_packets', '1', '-f', 'ivf'],
};

/**
 * The video encoder process: raw frames on stdin; video-only FLV on stdout and
 * programme thumbnails on fd 3. Audio is coded by a process of its own: in one
 * process ffmpeg schedules its outputs by timestamp, and AAC's priming and frame size
 * made each video packet wait for audio (measured ~200 ms at 720p30, ~13 ms alone).
 */
export function x264EncoderArgs(canvas: CanvasSettings, settings: EncoderSettings): string[] {
  return videoEncoderArgs(canvas, x264VideoCodecArgs(canvas, settings), 'flv');
}

/**
 * Any video encoder's process. H.264 leaves as FLV; HEVC as MPEG-TS, which carries
 * PTS and DTS (B-frames) and which ffmpeg 5.1 can write for HEVC, unlike FLV; AV1 as
 * IVF, since ffmpeg 5.1 writes AV1 neither into FLV nor into a TS it reads back.
 */
export function videoEncoderArgs(
  canvas: CanvasSettings,
  codecArgs: readonly string[],
  container: VideoContainer,
  inputArgs: readonly string[] = [],
): string[] {
  const preview = previewSize(canvas);
  const out = CONTAINER_OUT[container];
  return [
    ...inputArgs,
    ...NO_PROBE, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${canvas.width}x${canvas.height}`, '-r', String(canvas.fps),
    '-i', 'pipe:0',
    '-map', '0:v', ...codecArgs, ...out, 'pipe:1',
    // Programme monitor for the control room: small thumbnails, never full frames.
    // Every frame, with the cheapest scaler: an fps filter here held the encoder back
    // (~140 ms when audio shared the process, ~10 ms at p95 alone).
    '-map', '0:v', '-vf', `select='not(mod(n\\,3))',scale=${preview.width}:${preview.height}:flags=fast_bilinear`,
    '-fps_mode', 'passthrough', '-c:v', 'mjpeg', '-q:v', '7', '-f', 'image2pipe', 'pipe:3',
  ];
}

/** The audio encoder process: s16le PCM on stdin, audio-only FLV (AAC) on stdout. */
export function aacEncoderArgs(settings: EncoderSettings): string[] {
  return [
    ...NO_PROBE, '-f', 's16le', '-ar', String(AUDIO_RATE), '-ac', String(AUDIO_CHANNELS), '-i', 'pipe:0',
    '-map', '0:a', ...aacCodecArgs(settings), ...FLV_OUT, 'pipe:1',
  ];
}
