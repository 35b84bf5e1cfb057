// ffmpeg's stderr, parsed once (STYLE.md rule 7). We run every ffmpeg with
// `-progress pipe:2 -nostats`, so stderr interleaves key=value progress blocks with
// log lines; this module turns both into a typed union. Nothing else greps stderr.

export interface FfmpegProgress {
  readonly type: 'progress';
  readonly frame: number | null;
  readonly fps: number | null;
  /** Real-time factor ("1.01x" → 1.01). */
  readonly speed: number | null;
  readonly bitrateKbps: number | null;
  readonly outTimeMs: number | null;
  readonly dropFrames: number | null;
  readonly dupFrames: number | null;
  /** "end" on the last block. */
  readonly state: 'continue' | 'end';
}

export interface FfmpegLogLine {
  readonly type: 'log';
  readonly level: 'error' | 'warning' | 'info';
  readonly text: string;
}

export type FfmpegOutputEvent = FfmpegProgress | FfmpegLogLine;

const PROGRESS_KEYS = new Set([
  'frame', 'fps', 'stream_0_0_q', 'stream_0_1_q', 'bitrate', 'total_size', 'out_time_us', 'out_time_ms',
  'out_time', 'dup_frames', 'drop_frames', 'speed', 'progress',
]);

// Lines that name a real failure, as opposed to chatter at -loglevel warning.
const ERROR_HINTS = [
  /error/i, /failed/i, /cannot/i, /could not/i, /no such/i, /invalid/i, /not found/i, /refused/i,
  /denied/i, /unable/i, /timed out/i, /broken pipe/i, /unknown/i, /does not/i, /unsupported/i,
];

function num(value: string | undefined): number | null {
  if (value === undefined || value === 'N/A') return null;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : null;
}

/** Stateful line parser: feed it stderr chunks, get events back. */
export class FfmpegOutputParser {
  private partial = '';
  private block = new Map<string, string>();

  push(chunk: string): FfmpegOutputEvent[] {
    const events: FfmpegOutputEvent[] = [];
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n|\r/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.parseLine(line, events);
    return events;
  }

  private parseLine(raw: string, events: FfmpegOutputEvent[]): void {
    const line = raw.trimEnd();
    if (!line) return;
    const eq = line.indexOf('=');
    if (eq > 0) {
      const key = line.slice(0, eq);
      if (PROGRESS_KEYS.has(key) || /^stream_\d+_\d+_q$/.test(key)) {
        const value = line.slice(eq + 1).trim();
        this.block.set(key, value);
        if (key === 'progress') {
          events.push(this.flushBlock(value === 'end' ? 'end' : 'continue'));
        }
        return;
      }
    }
    events.push(classifyLogLine(line));
  }

  private flushBlock(state: 'continue' | 'end'): FfmpegProgress {
    const b = this.block;
    this.block = new Map();
    const bitrate = b.get('bitrate');
    const outUs = num(b.get('out_time_us'));
    return {
      type: 'progress',
      frame: num(b.get('frame')),
      fps: num(b.get('fps')),
      speed: num(b.get('speed')?.replace('x', '')),
      bitrateKbps: bitrate ? num(bitrate.replace('kbits/s', '')) : null,
      outTimeMs: outUs === null ? null : outUs / 1000,
      dropFrames: num(b.get('drop_frames')),
      dupFrames: num(b.get('dup_frames')),
      state,
    };
  }
}

export function classifyLogLine(line: string): FfmpegLogLine {
  const level = ERROR_HINTS.some((re) => re.test(line)) ? 'error' : /warn|deprecated/i.test(line) ? 'warning' : 'info';
  return { type: 'log', level, text: line };
}

/**
 * The first line that explains a failure, for an operator: "Connection refused",
 * "No such file or directory". ffmpeg prints `[ctx @ 0x55..] detail` and then
 * `url: detail`; we strip the context noise.
 */
export function firstErrorReason(lines: readonly string[]): string | null {
  for (const line of lines) {
    if (ERROR_HINTS.some((re) => re.test(line))) return cleanLogLine(line);
  }
  return lines.length ? cleanLogLine(lines[lines.length - 1]) : null;
}

export function cleanLogLine(line: string): string {
  return line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').trim();
}
