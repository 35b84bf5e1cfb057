import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CanvasSettings, SourceSpec } from '../../../shared/model';
import {
  SUPPORTED_FEED_SCHEMES, barcodeHeight, buildSourceArgs, esc, ffmpegColor, frameBytes, isFlvFeed, pacedByMain, previewSize,
  validateSourceSpec,
} from './sourceArgs';

const canvas: CanvasSettings = { width: 1280, height: 720, fps: 30 };
const farm: SourceSpec = { kind: 'testPattern', name: 'Farm', color: '#2e7d32', toneHz: 440 };

function after(args: string[], flag: string): string {
  const i = args.indexOf(flag);
  if (i < 0) throw new Error(`${flag} missing in ${args.join(' ')}`);
  return args[i + 1];
}

function graph(args: string[]): string {
  return after(args, '-filter_complex');
}

function outputFor(args: string[], pipe: string): string[] {
  const end = args.indexOf(pipe);
  const start = args.lastIndexOf('-map', end);
  return args.slice(start, end + 1);
}

describe('buildSourceArgs: outputs common to every kind', () => {
  const specs: SourceSpec[] = [
    farm,
    { kind: 'mediaFile', name: 'Clip', path: '/media/clip.mp4' },
    { kind: 'networkFeed', name: 'Remote', url: 'rtmp://ingest.example.com/live/key' },
    { kind: 'captureDevice', name: 'Cam', backend: 'v4l2', device: '/dev/video0' },
  ];
  it.each(specs.map((s) => [s.kind, s] as const))('%s writes raw video on fd 1, PCM on fd 3, MJPEG on fd 4', (_kind, spec) => {
    const args = buildSourceArgs(spec, canvas);
    expect(outputFor(args, 'pipe:1')).toEqual(['-map', '[vout]', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
    expect(outputFor(args, 'pipe:3')).toEqual(['-map', '[aout]', '-f', 's16le', '-ar', '48000', '-ac', '2', 'pipe:3']);
    expect(outputFor(args, 'pipe:4')).toEqual(['-map', '[pout]', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '8', 'pipe:4']);
    expect(graph(args)).toContain('[vprev]fps=10,scale=320:180:flags=fast_bilinear[pout]');
    expect(graph(args)).toContain('aformat=sample_fmts=s16:sample_rates=48000:channel_layouts=stereo[aout]');
  });

  it('sizes previews 320 wide, 180 wide for portrait, with an even height', () => {
    expect(previewSize({ width: 1920, height: 1080, fps: 30 })).toEqual({ width: 320, height: 180 });
    expect(previewSize({ width: 1080, height: 1920, fps: 30 })).toEqual({ width: 180, height: 320 });
    expect(previewSize({ width: 1440, height: 1080, fps: 30 })).toEqual({ width: 320, height: 240 });
    expect(previewSize({ width: 2560, height: 1080, fps: 30 }).height % 2).toBe(0);
  });

  it('knows the size of a raw frame', () => {
    expect(frameBytes({ width: 320, height: 180, fps: 30 })).toBe(86_400);
  });
});

describe('buildSourceArgs: test pattern', () => {
  const args = buildSourceArgs(farm, canvas);
  const g = graph(args);

  it('runs testsrc2 at the canvas size and rate in real time, with a sine tone', () => {
    expect(args.slice(0, 5)).toEqual(['-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30']);
    expect(args.slice(5, 10)).toEqual(['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']);
    expect(g).toContain('[1:a]aresample');
  });

  it('uses silence for toneHz 0', () => {
    expect(buildSourceArgs({ ...farm, toneHz: 0 }, canvas)).toContain('anullsrc=channel_layout=stereo:sample_rate=48000');
  });

  it('draws the identity block at x∈[0,W/4), y∈[0.55H,0.9H) in the source colour', () => {
    expect(g).toContain('drawbox=x=0:y=396:w=320:h=252:color=0x2e7d32:t=fill');
  });

  it('burns in the name, a frame counter and the wall clock with DejaVu Sans Bold', () => {
    expect(g).toContain('fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf');
    expect(g).toContain('expansion=none:text=Farm:');
    expect(g).toContain('text=frame %{n}  %{localtime\\\\:%T}');
    expect(buildSourceArgs(farm, canvas, { fontFile: null }).join(' ')).not.toContain('fontfile=');
  });

  it('draws the 16-cell frame barcode across the bottom, MSB leftmost', () => {
    const bh = barcodeHeight(720);
    expect(bh).toBe(16);
    expect(g).toContain(`drawbox=x=0:y=${720 - bh}:w=1280:h=${bh}:color=black:t=fill`);
    const cells = [...g.matchAll(/drawbox=x=(\d+):y=(\d+):w=(\d+):h=(\d+):color=white:t=fill:enable=mod\(floor\(n\/(\d+)\)\\,2\)/g)];
    expect(cells).toHaveLength(16);
    cells.forEach((m, k) => {
      expect(Number(m[1])).toBe(k * 80);
      expect(Number(m[3])).toBe(80);
      expect(Number(m[2])).toBe(720 - bh);
      expect(Number(m[5])).toBe(2 ** (15 - k));
    });
  });

  it('sizes the barcode max(8, H/45 rounded to even)', () => {
    expect(barcodeHeight(180)).toBe(8);
    expect(barcodeHeight(1080)).toBe(24);
    expect(barcodeHeight(2160)).toBe(48);
  });

  it('escapes a hostile name for the filter graph', () => {
    const g2 = graph(buildSourceArgs({ ...farm, name: "Bob's [cam]: 1,2;3\\" }, canvas));
    expect(g2).toContain("text=Bob\\\\\\'s \\[cam\\]\\\\: 1\\,2\\;3\\\\\\\\:");
  });
});

describe('buildSourceArgs: media files, feeds and devices', () => {
  it('loops a media file forever, unpaced (main paces it), and letterboxes it to the canvas', () => {
    const args = buildSourceArgs({ kind: 'mediaFile', name: 'Clip', path: '/media/a b.mp4' }, canvas);
    expect(args.slice(0, 4)).toEqual(['-stream_loop', '-1', '-i', '/media/a b.mp4']);
    expect(args).not.toContain('-re');
    expect(graph(args)).toContain(
      '[0:v:0]fps=30:start_time=0,scale=1280:720:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p',
    );
    // Its sound follows the file's timestamps (gaps at each loop filled), as its picture
    // does through the fps filter, so the two keep the same length loop after loop.
    expect(graph(args)).toContain('[0:a:0]aresample=48000:async=1:min_hard_comp=0.01:first_pts=0,');
  });

  it('adds a silent input when the media has no audio', () => {
    const args = buildSourceArgs({ kind: 'mediaFile', name: 'Clip', path: '/m.mp4' }, canvas, { audio: 'silence' });
    expect(args.slice(4, 8)).toEqual(['-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=48000']);
    expect(graph(args)).toContain('[1:a]aresample');
    expect(graph(args)).not.toContain('[0:a');
  });

  it('opens live feeds with a short probe, a read timeout and no -re', () => {
    const args = buildSourceArgs({ kind: 'networkFeed', name: 'R', url: 'srt://h:9000' }, canvas);
    expect(after(args, '-analyzeduration')).toBe('500000');
    expect(after(args, '-probesize')).toBe('200000');
    expect(after(args, '-fflags')).toBe('nobuffer');
    expect(after(args, '-rw_timeout')).toBe('5000000');
    expect(args).not.toContain('-re');
  });

  it('probes FLV feeds across a GOP and keeps the probed packets', () => {
    for (const url of ['rtmp://h/live/s', 'RTMPS://h/live/s', 'http://h:8000/live/cam.flv', 'https://cdn.example/live/cam.flv?token=x']) {
      const args = buildSourceArgs({ kind: 'networkFeed', name: 'R', url }, canvas);
      expect(after(args, '-analyzeduration'), url).toBe('6000000');
      expect(after(args, '-probesize'), url).toBe('1000000');
      expect(args, url).not.toContain('nobuffer');
      expect(after(args, '-i')).toBe(url);
    }
    // Once a feed is known to carry no audio, its retry has no second stream to wait for.
    const silent = buildSourceArgs({ kind: 'networkFeed', name: 'R', url: 'rtmp://h/live/s' }, canvas, { audio: 'silence' });
    expect(after(silent, '-analyzeduration')).toBe('500000');
    expect(silent).not.toContain('nobuffer');
    expect(isFlvFeed('https://cdn.example/live/index.m3u8')).toBe(false);
    expect(isFlvFeed('http://h/feed.ts')).toBe(false);
    expect(isFlvFeed('srt://h:9000')).toBe(false);
  });

  it("puts a feed's picture and sound on one timeline from zero, so main can pair them", () => {
    const args = buildSourceArgs({ kind: 'networkFeed', name: 'R', url: 'srt://h:9000' }, canvas);
    expect(graph(args)).toContain('[0:v:0]fps=30:start_time=0,');
    expect(graph(args)).toContain('[0:a:0]aresample=48000:async=1:min_hard_comp=0.01:first_pts=0,');
  });

  it('has main pace the sources whose ffmpeg runs ahead of real time: files, and feeds fetched over HTTP in pieces', () => {
    const feed = (url: string) => pacedByMain({ kind: 'networkFeed', name: 'R', url });
    expect(pacedByMain({ kind: 'mediaFile', name: 'Clip', path: '/m.mp4' })).toBe(true);
    expect(feed('https://cdn.example/live/index.m3u8')).toBe(true);
    expect(feed('http://h:8080/clip.mp4')).toBe(true);
    // HTTP-FLV and the streaming protocols arrive in real time.
    for (const url of ['http://h:8000/live/cam.flv', 'rtmp://h/live/s', 'srt://h:9000', 'rtsp://cam/1', 'udp://239.0.0.1:1234']) expect(feed(url), url).toBe(false);
    expect(pacedByMain({ kind: 'testPattern', name: 'T', color: '#fff', toneHz: 0 })).toBe(false);
  });

  it('pulls RTSP over TCP with a socket timeout', () => {
    const args = buildSourceArgs({ kind: 'networkFeed', name: 'R', url: 'rtsp://cam.local/stream1' }, canvas);
    expect(after(args, '-rtsp_transport')).toBe('tcp');
    expect(after(args, '-timeout')).toBe('5000000');
  });

  it('calls SRT listeners unless the URL says otherwise', () => {
    const url = (u: string): string => after(buildSourceArgs({ kind: 'networkFeed', name: 'R', url: u }, canvas), '-i');
    expect(url('srt://10.0.0.5:9000')).toBe('srt://10.0.0.5:9000?mode=caller');
    expect(url('srt://10.0.0.5:9000?latency=120000')).toBe('srt://10.0.0.5:9000?latency=120000&mode=caller');
    expect(url('srt://:9000?mode=listener')).toBe('srt://:9000?mode=listener');
  });

  it('builds each capture backend', () => {
    const cam = (backend: 'v4l2' | 'dshow' | 'avfoundation' | 'decklink', device: string, audioDevice?: string): string[] =>
      buildSourceArgs({ kind: 'captureDevice', name: 'C', backend, device, audioDevice }, canvas);
    const v4l2 = cam('v4l2', '/dev/video2', 'hw:1');
    expect(v4l2.slice(0, 6)).toEqual(['-f', 'v4l2', '-thread_queue_size', '64', '-i', '/dev/video2']);
    expect(v4l2.slice(6, 12)).toEqual(['-f', 'alsa', '-thread_queue_size', '1024', '-i', 'hw:1']);
    expect(graph(v4l2)).toContain('[1:a:0]aresample');
    expect(cam('v4l2', '/dev/video2').join(' ')).toContain('anullsrc');
    expect(after(cam('dshow', 'HD Webcam', 'Microphone (USB)'), '-i')).toBe('video=HD Webcam:audio=Microphone (USB)');
    expect(after(cam('dshow', 'video=HD Webcam'), '-i')).toBe('video=HD Webcam');
    expect(after(cam('avfoundation', 'FaceTime HD Camera', '0'), '-i')).toBe('FaceTime HD Camera:0');
    expect(after(cam('avfoundation', '0'), '-i')).toBe('0:');
    expect(cam('decklink', 'DeckLink Mini Recorder').slice(0, 4)).toEqual(['-f', 'decklink', '-i', 'DeckLink Mini Recorder']);
  });
});

describe('helpers', () => {
  it('turns CSS colours into ffmpeg colours', () => {
    expect(ffmpegColor('#C0392B')).toBe('0xc0392b');
    expect(ffmpegColor('#abc')).toBe('0xaabbcc');
  });

  it('escapes both filter levels', () => {
    expect(esc('a:b')).toBe('a\\\\:b');
    expect(esc('x,y')).toBe('x\\,y');
  });
});

describe('validateSourceSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cuecast-args-'));
  const file = join(dir, 'clip.mp4');
  writeFileSync(file, 'not really a video');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts good specs', () => {
    expect(validateSourceSpec(farm)).toBeNull();
    expect(validateSourceSpec({ kind: 'mediaFile', name: 'Clip', path: file })).toBeNull();
    for (const scheme of SUPPORTED_FEED_SCHEMES) {
      expect(validateSourceSpec({ kind: 'networkFeed', name: 'R', url: `${scheme}://host.example:1234/x` })).toBeNull();
    }
    expect(validateSourceSpec({ kind: 'captureDevice', name: 'D', backend: 'decklink', device: 'DeckLink Mini Recorder' }, 'linux')).toBeNull();
  });

  it('names the source and the problem for a malformed URL or an unsupported scheme', () => {
    const bad = validateSourceSpec({ kind: 'networkFeed', name: 'Remote', url: 'not a url' });
    expect(bad).toMatch(/"Remote".*malformed/);
    expect(bad).toContain('rtmp://, rtmps://, srt://, rtsp://');
    const ftp = validateSourceSpec({ kind: 'networkFeed', name: 'Remote', url: 'ftp://h/x' });
    expect(ftp).toMatch(/"Remote": unsupported feed scheme "ftp:\/\/"/);
    expect(validateSourceSpec({ kind: 'networkFeed', name: 'Remote', url: 'rtmp://' })).toMatch(/"Remote"/);
    expect(validateSourceSpec({ kind: 'networkFeed', name: 'R', url: 'rtmp://h:99999/live' })).toMatch(/"R"/);
  });

  it('does not echo a stream key in a URL error', () => {
    const reason = validateSourceSpec({ kind: 'networkFeed', name: 'R', url: 'rtmp://h/live/SECRET KEY' }) ?? '';
    expect(reason).toMatch(/"R"/);
    expect(reason).not.toContain('SECRET');
  });

  it('refuses a missing file, a folder, and an unreadable file', () => {
    expect(validateSourceSpec({ kind: 'mediaFile', name: 'Clip', path: join(dir, 'nope.mp4') })).toMatch(/"Clip": media file not found: .*nope\.mp4/);
    expect(validateSourceSpec({ kind: 'mediaFile', name: 'Clip', path: dir })).toMatch(/"Clip": .* is not a file/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.mp4');
      writeFileSync(locked, 'x');
      chmodSync(locked, 0);
      expect(validateSourceSpec({ kind: 'mediaFile', name: 'Clip', path: locked })).toMatch(/not readable/);
    }
  });

  it('refuses a device that does not exist or a backend from another platform', () => {
    const cam = (backend: 'v4l2' | 'dshow' | 'avfoundation', device: string, platform: NodeJS.Platform): string | null =>
      validateSourceSpec({ kind: 'captureDevice', name: 'Cam', backend, device }, platform);
    expect(cam('v4l2', '/dev/video99', 'linux')).toMatch(/"Cam": capture device \/dev\/video99 does not exist/);
    expect(cam('v4l2', 'video0', 'linux')).toMatch(/not a device path/);
    expect(cam('dshow', 'HD Webcam', 'linux')).toMatch(/dshow capture is not available on linux/);
    expect(cam('dshow', 'HD Webcam', 'win32')).toBeNull();
    expect(cam('avfoundation', '0', 'darwin')).toBeNull();
  });

  it('refuses a bad test pattern colour and an unnamed source', () => {
    expect(validateSourceSpec({ ...farm, color: 'green!' })).toMatch(/"Farm": colour/);
    expect(validateSourceSpec({ ...farm, name: ' ' })).toMatch(/name/);
  });
});
