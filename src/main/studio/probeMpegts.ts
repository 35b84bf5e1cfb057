// The probe for MPEG-TS streams (srt://, udp://, *.ts): lists the commerce metadata
// SEI in each video access unit as a platform would find it. Deliberately its own
// transport-stream walker, PES reader and Annex B splitter, sharing nothing with the
// writer (src/main/engine/mux): a bug there shows up here instead of being mirrored.
// Only the SEI payload parser and the UUID are shared, with the FLV verifier (probe/).
// Layouts: ISO/IEC 13818-1 §2.4.3 (packets, PES), §2.4.4 (PAT, PMT).
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { createConsoleLogger, type Logger } from '../engine/logger';
import { FfmpegProcess } from '../engine/process/ffmpegProcess';
// Type only: metadataProbe.ts dispatches to this file, and a value import back would be a cycle.
import type { ProbeOptions } from './metadataProbe';
import { ProbeError, type ProbeMessage, type ProbeTimeline } from './probe/probeTypes';
import { CUECAST_SEI_UUID, stripEmulationPrevention, userDataPayloads } from './probe/seiPayloads';

export interface MpegtsAccessUnit {
  /** 0-based index of the video access unit in the stream read. */
  readonly frameIndex: number;
  readonly codec: 'h264' | 'hevc';
  /** 90 kHz PTS ÷ 90, as carried (a 33-bit clock: it wraps after ~26.5 h). */
  readonly ptsMs: number;
  readonly dtsMs: number;
  /** Holds an IDR (H.264) or IRAP (HEVC) picture. */
  readonly keyframe: boolean;
  /** A PAT and a PMT arrived since the previous video access unit began. */
  readonly tablesBefore: boolean;
  /** Cuecast SEI payloads in it, decoded. */
  readonly payloads: readonly unknown[];
}

export interface MpegtsReaderHandlers {
  readonly onMessage?: (msg: ProbeMessage) => void;
  readonly onAccessUnit?: (unit: MpegtsAccessUnit) => void;
  /** Take access units up to this much stream time after the first one, then ignore the rest. */
  readonly seconds?: number;
}

const PACKET = 188;
const SYNC = 0x47;

interface VideoPes {
  readonly codec: 'h264' | 'hevc';
  parts: Buffer[];
  tablesBefore: boolean;
}

/** Incremental reader: feed it transport-stream bytes in any chunking. */
export class MpegtsMetadataReader {
  readonly messages: ProbeMessage[] = [];
  videoFrames = 0;
  /** Bytes skipped to find packet sync again (0 on a clean stream). */
  skippedBytes = 0;
  /** `seconds` of stream time have been read. */
  full = false;
  private firstPts: number | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private readonly programMaps = new Set<number>();
  private readonly sections = new Map<number, Buffer>();
  private videoPid: number | null = null;
  private video: VideoPes | null = null;
  private codec: 'h264' | 'hevc' | null = null;
  private patSeen = false;
  private pmtSeen = false;

  constructor(private readonly handlers: MpegtsReaderHandlers = {}) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= PACKET) {
      if (buf[at] !== SYNC || (buf.length - at >= 2 * PACKET && buf[at + PACKET] !== SYNC)) {
        at++;
        this.skippedBytes++;
        continue;
      }
      this.packet(buf.subarray(at, at + PACKET));
      at += PACKET;
    }
    buf = buf.subarray(at);
    this.pending = Buffer.from(buf);
  }

  /** At the end of the stream: the last access unit has no next PES to end it. */
  end(): ProbeTimeline {
    this.finishVideo();
    return { messages: this.messages, videoFrames: this.videoFrames };
  }

  private packet(p: Buffer): void {
    if (p[1]! & 0x80) return; // transport_error_indicator: damaged in transit
    const start = (p[1]! & 0x40) !== 0;
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const control = (p[3]! >> 4) & 0x03;
    if ((control & 0x01) === 0) return; // adaptation field only
    const offset = control === 0x03 ? 5 + p[4]! : 4;
    if (offset >= PACKET) return;
    const payload = p.subarray(offset);
    if (pid === 0 || this.programMaps.has(pid)) this.psi(pid, start, payload);
    else if (pid === this.videoPid) this.videoPayload(start, payload);
  }

  /** Gathers a PSI section (it may span packets) and reads it when complete. */
  private psi(pid: number, start: boolean, payload: Buffer): void {
    let data: Buffer;
    if (start) data = payload.subarray(1 + payload[0]!);
    else {
      const sofar = this.sections.get(pid);
      if (!sofar) return;
      data = Buffer.concat([sofar, payload]);
    }
    if (data.length < 3 || data[0] === 0xff) {
      this.sections.delete(pid); // stuffing, or a table we do not read
      return;
    }
    const total = 3 + (((data[1]! & 0x0f) << 8) | data[2]!);
    if (data.length < total) {
      this.sections.set(pid, Buffer.from(data));
      return;
    }
    this.sections.delete(pid);
    const section = data.subarray(0, total);
    if (section[0] === 0x00) this.pat(section);
    else if (section[0] === 0x02) this.pmt(section);
  }

  private pat(s: Buffer): void {
    this.patSeen = true;
    // Program entries between the 8-byte header and the CRC; program 0 is the network PID.
    for (let i = 8; i + 4 <= s.length - 4; i += 4) {
      if (s.readUInt16BE(i) !== 0) this.programMaps.add(s.readUInt16BE(i + 2) & 0x1fff);
    }
  }

  private pmt(s: Buffer): void {
    this.pmtSeen = true;
    let i = 12 + (s.readUInt16BE(10) & 0x0fff);
    while (i + 5 <= s.length - 4) {
      const type = s[i]!;
      const pid = s.readUInt16BE(i + 1) & 0x1fff;
      const codec = type === 0x1b ? 'h264' : type === 0x24 ? 'hevc' : null;
      if (codec && this.videoPid === null) {
        this.videoPid = pid;
        this.codec = codec;
      }
      i += 5 + (s.readUInt16BE(i + 3) & 0x0fff);
    }
  }

  private videoPayload(start: boolean, payload: Buffer): void {
    if (start) {
      this.finishVideo();
      this.video = { codec: this.codec!, parts: [], tablesBefore: this.patSeen && this.pmtSeen };
      this.patSeen = false;
      this.pmtSeen = false;
    }
    this.video?.parts.push(Buffer.from(payload));
  }

  private finishVideo(): void {
    const pes = this.video;
    this.video = null;
    if (!pes || pes.parts.length === 0) return;
    const unit = Buffer.concat(pes.parts);
    if (unit.length < 9 || unit.readUIntBE(0, 3) !== 1) return;
    const flags = unit[7]! >> 6;
    if ((flags & 0x02) === 0) return; // no PTS: not an access unit we can place
    const pts = readClock(unit, 9);
    const dts = flags === 0x03 ? readClock(unit, 14) : pts;
    this.firstPts ??= pts;
    const limit = this.handlers.seconds;
    if (this.full || (limit !== undefined && pts - this.firstPts >= limit * 90_000)) {
      this.full = true;
      return;
    }
    const nals = annexBUnits(unit.subarray(9 + unit[8]!));
    const frameIndex = this.videoFrames++;
    const type = (n: Buffer): number => (pes.codec === 'h264' ? n[0]! & 0x1f : (n[0]! >> 1) & 0x3f);
    const keyframe = nals.some((n) => (pes.codec === 'h264' ? type(n) === 5 : type(n) >= 16 && type(n) <= 23));
    const payloads: unknown[] = [];
    for (const nal of nals) {
      const isSei = pes.codec === 'h264' ? type(nal) === 6 : type(nal) === 39 || type(nal) === 40;
      if (!isSei) continue;
      const rbsp = stripEmulationPrevention(nal.subarray(pes.codec === 'h264' ? 1 : 2));
      for (const bytes of userDataPayloads(rbsp, CUECAST_SEI_UUID)) payloads.push(json(bytes));
    }
    for (const payload of payloads) {
      const msg: ProbeMessage = { source: 'sei', frameIndex, ptsMs: pts / 90, payload, keyframe };
      this.messages.push(msg);
      this.handlers.onMessage?.(msg);
    }
    this.handlers.onAccessUnit?.({ frameIndex, codec: pes.codec, ptsMs: pts / 90, dtsMs: dts / 90, keyframe, tablesBefore: pes.tablesBefore, payloads });
  }
}

/** Reads a whole stream held in memory (or a list of chunks) at once. */
export function readMpegtsMetadata(chunks: Iterable<Buffer>, handlers: MpegtsReaderHandlers = {}): ProbeTimeline {
  const reader = new MpegtsMetadataReader(handlers);
  for (const chunk of chunks) reader.push(chunk);
  return reader.end();
}

/** 33-bit clock from 5 bytes: 3 + 15 + 15 bits, each group followed by a marker bit. */
function readClock(b: Buffer, at: number): number {
  const top = (b[at]! >> 1) & 0x07;
  const middle = b.readUInt16BE(at + 1) >> 1;
  const bottom = b.readUInt16BE(at + 3) >> 1;
  return top * 0x40000000 + middle * 0x8000 + bottom;
}

/** NAL units between 00 00 01 start codes (H.264 Annex B); a zero before a start code belongs to it. */
function annexBUnits(stream: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  return starts
    .map((s, k) => {
      let end = k + 1 < starts.length ? starts[k + 1]! - 3 : stream.length;
      while (end > s && stream[end - 1] === 0) end--;
      return stream.subarray(s, end);
    })
    .filter((n) => n.length > 0);
}

function json(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { invalidJson: text };
  }
}

// ---- Running it ----

export interface MpegtsProbeOptions extends ProbeOptions {
  readonly onAccessUnit?: (unit: MpegtsAccessUnit) => void;
}

const isUrl = (input: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(input);

/**
 * The metadata timeline of an MPEG-TS source: a local TS file read byte for byte
 * (mode 'auto'), anything else through ffmpeg (`-c copy -f mpegts`), which keeps the
 * access units and, with -copyts, their timestamps. `seconds` counts stream time
 * from the first video access unit (ffmpeg's -t would count from 0 under -copyts);
 * `signal` ends a live read with what arrived. `onPlaying` is not called (ffmpeg path).
 */
export async function probeMpegtsMetadata(options: MpegtsProbeOptions): Promise<ProbeTimeline> {
  const { input } = options;
  const reader = new MpegtsMetadataReader({
    onMessage: options.onMessage,
    onAccessUnit: options.onAccessUnit,
    seconds: options.seconds,
  });
  if (!isUrl(input)) {
    if (!existsSync(input)) throw new ProbeError(`cannot read "${input}": no such file`);
    if ((options.mode ?? 'auto') === 'auto' && looksLikeTs(input)) return readFile(input, reader);
  }
  // About a second of probing: a TS names its codecs in the PMT, and a live source
  // (srt://, udp://) would be held back by every extra second.
  const args = ['-analyzeduration', '1000000', '-probesize', '1000000', '-i', input];
  args.push('-map', '0:v:0', '-map', '0:a?', '-c', 'copy', '-copyts', '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', 'pipe:1');
  const ffmpeg = new FfmpegProcess({ role: 'probe', ffmpegPath: options.ffmpegPath ?? 'ffmpeg', args, logger: quietLogger() });
  const timeoutMs = options.timeoutMs ?? (options.seconds !== undefined ? options.seconds * 1000 + 20_000 : undefined);
  return new Promise<ProbeTimeline>((resolve, reject) => {
    let done = false;
    const onAbort = (): void => finish(null);
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const timeline = reader.end();
      void ffmpeg.stop({ graceMs: 500 }).then(() => (err ? reject(err) : resolve(timeline)));
    };
    const timer = timeoutMs !== undefined
      ? setTimeout(() => finish(reader.videoFrames > 0 ? null : new ProbeError(`cannot read "${input}": no video within ${timeoutMs} ms`)), timeoutMs)
      : null;
    ffmpeg.start();
    if (options.signal?.aborted) return finish(null);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ffmpeg.stdout.on('data', (chunk: Buffer) => {
      if (done) return;
      reader.push(chunk);
      if (reader.full) finish(null);
    });
    ffmpeg.onExit((exit) => {
      if (done) return;
      if (exit.code !== 0 && reader.videoFrames === 0) {
        finish(new ProbeError(`cannot read "${input}": ${exit.reason ?? `ffmpeg exited with ${exit.code ?? exit.signal}`}`));
      } else finish(null);
    });
  });
}

function looksLikeTs(file: string): boolean {
  const head = Buffer.alloc(PACKET + 1);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head[0] === SYNC && head[PACKET] === SYNC;
  } finally {
    closeSync(fd);
  }
}

function readFile(file: string, reader: MpegtsMetadataReader): ProbeTimeline {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(PACKET * 1024);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0 || reader.full) break;
      reader.push(Buffer.from(chunk.subarray(0, n)));
    }
  } finally {
    closeSync(fd);
  }
  return reader.end();
}

function quietLogger(): Logger {
  // ffmpeg's first error line comes back in the ProbeError; nothing else needs printing.
  const logger = createConsoleLogger('probe', true);
  return { ...logger, warn: () => undefined, child: () => quietLogger() };
}
