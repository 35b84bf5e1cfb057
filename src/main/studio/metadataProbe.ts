// `cuecast probe`: reads a stream as a platform would and lists the commerce metadata
// in it (issue 4 "Verifier"). Deliberately independent of the writer: its own FLV tag
// reader, NAL walker, SEI parser and AMF0 decoder, so a bug in src/main/engine/mux
// shows up here instead of being mirrored. Facts: /work/shared/specs/flv-rtmp-sei.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CUECAST_SEI_UUID } from '../engine/mux/seiWriter';

export interface ProbeMessage {
  readonly source: 'sei' | 'cuepoint';
  /** 0-based index of the video access unit carrying it (cue points: the next one). */
  readonly frameIndex: number;
  readonly ptsMs: number;
  readonly payload: unknown;
  readonly keyframe: boolean;
}

export interface ProbeTimeline {
  readonly messages: ProbeMessage[];
  readonly videoFrames: number;
}

export interface ProbeOptions {
  /** rtmp(s)://, srt:// or any ffmpeg URL, or a file path. */
  readonly input: string;
  readonly ffmpegPath?: string;
  /** Read at most this long (ffmpeg `-t`). */
  readonly seconds?: number;
  readonly onMessage?: (msg: ProbeMessage) => void;
  /**
   * 'auto' reads a local FLV file byte for byte (ffmpeg's FLV remux drops onCuePoint,
   * spec "AMF0" last point); everything else goes through ffmpeg. 'ffmpeg' always remuxes.
   */
  readonly mode?: 'auto' | 'ffmpeg';
  /** Gives up (stopping ffmpeg) after this long; default seconds + 20 s, or none. */
  readonly timeoutMs?: number;
}

export class ProbeError extends Error {}

// ---- AMF0 (spec "AMF0") ----

export type Amf0Value = number | boolean | string | null | undefined | Date | Amf0Value[] | { [key: string]: Amf0Value };

/** Decodes one AMF0 value at `pos`; returns it and the position after it. */
export function readAmf0(buf: Buffer, pos: number): [Amf0Value, number] {
  const need = (n: number): void => {
    if (pos + n > buf.length) throw new ProbeError('AMF0 value runs past the end of the tag');
  };
  need(1);
  const marker = buf[pos++]!;
  const readKey = (): string => {
    need(2);
    const len = buf.readUInt16BE(pos);
    need(2 + len);
    const s = buf.toString('utf8', pos + 2, pos + 2 + len);
    pos += 2 + len;
    return s;
  };
  const readProps = (): { [key: string]: Amf0Value } => {
    const obj: { [key: string]: Amf0Value } = {};
    for (;;) {
      const key = readKey();
      need(1);
      if (key === '' && buf[pos] === 0x09) {
        pos++; // object end 00 00 09
        return obj;
      }
      const [v, next] = readAmf0(buf, pos);
      obj[key] = v;
      pos = next;
    }
  };
  switch (marker) {
    case 0x00:
      need(8);
      return [buf.readDoubleBE(pos), pos + 8];
    case 0x01:
      need(1);
      return [buf[pos] !== 0, pos + 1];
    case 0x02:
      return [readKey(), pos];
    case 0x03:
      return [readProps(), pos];
    case 0x05:
      return [null, pos];
    case 0x06:
      return [undefined, pos];
    case 0x08:
      need(4);
      pos += 4; // the count is a hint; the array ends with 00 00 09 like an object
      return [readProps(), pos];
    case 0x0a: {
      need(4);
      const n = buf.readUInt32BE(pos);
      pos += 4;
      const arr: Amf0Value[] = [];
      for (let i = 0; i < n; i++) {
        const [v, next] = readAmf0(buf, pos);
        arr.push(v);
        pos = next;
      }
      return [arr, pos];
    }
    case 0x0b:
      need(10);
      return [new Date(buf.readDoubleBE(pos)), pos + 10];
    case 0x0c: {
      need(4);
      const len = buf.readUInt32BE(pos);
      need(4 + len);
      return [buf.toString('utf8', pos + 4, pos + 4 + len), pos + 4 + len];
    }
    default:
      throw new ProbeError(`AMF0 marker 0x${marker.toString(16)} is not supported`);
  }
}

// ---- SEI (spec "user_data_unregistered SEI") ----

/** Removes emulation prevention: 00 00 03 → 00 00. */
export function stripEmulationPrevention(ebsp: Buffer): Buffer {
  const out = Buffer.alloc(ebsp.length);
  let n = 0;
  let zeros = 0;
  for (const b of ebsp) {
    if (zeros >= 2 && b === 0x03) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

/** user_data_unregistered payloads (after the UUID) in one SEI RBSP whose UUID is `uuid`. */
export function userDataPayloads(rbsp: Buffer, uuid: Buffer): Buffer[] {
  const found: Buffer[] = [];
  let pos = 0;
  // Stop at the rbsp trailing bits (0x80 as the last byte).
  while (pos < rbsp.length && !(pos === rbsp.length - 1 && rbsp[pos] === 0x80)) {
    const readVar = (): number => {
      let v = 0;
      while (rbsp[pos] === 0xff) {
        v += 255;
        pos++;
      }
      return v + (rbsp[pos++] ?? 0);
    };
    const type = readVar();
    const size = readVar();
    if (pos + size > rbsp.length) break; // truncated message: keep what came before
    if (type === 5 && size >= 16 && rbsp.subarray(pos, pos + 16).equals(uuid)) found.push(rbsp.subarray(pos + 16, pos + size));
    pos += size;
  }
  return found;
}

// ---- FLV (spec "FLV") ----

type VideoCodec = 'h264' | 'hevc' | 'other';

/** Incremental FLV reader turning bytes into probe messages. */
export class FlvMetadataReader {
  readonly messages: ProbeMessage[] = [];
  videoFrames = 0;
  private buf: Buffer = Buffer.alloc(0);
  private headerDone = false;
  private lengthSize = 4;

  constructor(private readonly onMessage?: (msg: ProbeMessage) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    if (!this.headerDone) {
      if (this.buf.length < 13) return;
      if (this.buf.toString('latin1', 0, 3) !== 'FLV') throw new ProbeError('not an FLV stream (no "FLV" signature)');
      pos = this.buf.readUInt32BE(5) + 4; // header size, then PreviousTagSize0
      this.headerDone = true;
    }
    while (this.buf.length - pos >= 11) {
      const type = this.buf[pos]! & 0x1f;
      const size = this.buf.readUIntBE(pos + 1, 3);
      if (this.buf.length - pos < 11 + size + 4) break;
      const dts = (this.buf.readUIntBE(pos + 4, 3) | (this.buf[pos + 7]! << 24)) >>> 0;
      const data = this.buf.subarray(pos + 11, pos + 11 + size);
      if (type === 9) this.videoTag(data, dts);
      else if (type === 18) this.scriptTag(data, dts);
      pos += 11 + size + 4;
    }
    this.buf = this.buf.subarray(pos);
  }

  private emit(msg: ProbeMessage): void {
    this.messages.push(msg);
    this.onMessage?.(msg);
  }

  private videoTag(data: Buffer, dts: number): void {
    if (data.length < 1) return;
    const b0 = data[0]!;
    const frameType = (b0 >> 4) & 0x07;
    if (frameType === 5) return; // video info / command frame: not a picture
    let codec: VideoCodec;
    let packetType: number;
    let cts = 0;
    let body: Buffer;
    if (b0 & 0x80) {
      // Enhanced RTMP: FourCC after the first byte.
      if (data.length < 5) return;
      const fourCc = data.toString('latin1', 1, 5);
      codec = fourCc === 'hvc1' ? 'hevc' : fourCc === 'avc1' ? 'h264' : 'other';
      packetType = b0 & 0x0f;
      if (packetType === 1) {
        if (data.length < 8) return;
        cts = data.readIntBE(5, 3);
        body = data.subarray(8);
      } else body = data.subarray(5);
      if (packetType === 0) return this.sequenceStart(codec, body);
      if (packetType !== 1 && packetType !== 3) return;
    } else {
      const codecId = b0 & 0x0f;
      if (codecId !== 7 && codecId !== 12) {
        this.videoFrames++; // another legacy codec: a frame, but no NAL units
        return;
      }
      codec = codecId === 7 ? 'h264' : 'hevc';
      if (data.length < 5) return;
      packetType = data[1]!;
      cts = data.readIntBE(2, 3);
      body = data.subarray(5);
      if (packetType === 0) return this.sequenceStart(codec, body);
      if (packetType !== 1) return;
    }
    const frameIndex = this.videoFrames++;
    if (codec === 'other') return;
    const keyframe = frameType === 1;
    for (const payload of this.accessUnitSei(body, codec)) {
      this.emit({ source: 'sei', frameIndex, ptsMs: dts + cts, payload: decodeJson(payload), keyframe });
    }
  }

  /** NAL length size from the decoder configuration record (never assumed). */
  private sequenceStart(codec: VideoCodec, record: Buffer): void {
    if (codec === 'h264' && record.length > 4) this.lengthSize = (record[4]! & 3) + 1;
    if (codec === 'hevc' && record.length > 21) this.lengthSize = (record[21]! & 3) + 1;
  }

  private accessUnitSei(body: Buffer, codec: 'h264' | 'hevc'): Buffer[] {
    const found: Buffer[] = [];
    const ls = this.lengthSize;
    let pos = 0;
    while (pos + ls <= body.length) {
      const len = body.readUIntBE(pos, ls);
      pos += ls;
      if (len === 0 || pos + len > body.length) break;
      const nal = body.subarray(pos, pos + len);
      pos += len;
      const isSei = codec === 'h264' ? (nal[0]! & 0x1f) === 6 : [39, 40].includes((nal[0]! >> 1) & 0x3f);
      if (!isSei) continue;
      const header = codec === 'h264' ? 1 : 2;
      found.push(...userDataPayloads(stripEmulationPrevention(nal.subarray(header)), CUECAST_SEI_UUID));
    }
    return found;
  }

  private scriptTag(data: Buffer, dts: number): void {
    try {
      let [name, pos] = readAmf0(data, 0);
      if (name === '@setDataFrame') [name, pos] = readAmf0(data, pos);
      if (name !== 'onCuePoint') return;
      const [value] = readAmf0(data, pos);
      this.emit({ source: 'cuepoint', frameIndex: this.videoFrames, ptsMs: dts, payload: value, keyframe: false });
    } catch {
      // A script tag we cannot decode is not ours to judge.
    }
  }
}

function decodeJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { invalidJson: text };
  }
}

// ---- Running it ----

const isUrl = (input: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(input);

export async function probeMetadata(options: ProbeOptions): Promise<ProbeTimeline> {
  const { input } = options;
  const reader = new FlvMetadataReader(options.onMessage);
  if (!isUrl(input)) {
    if (!existsSync(input)) throw new ProbeError(`cannot read "${input}": no such file`);
    if ((options.mode ?? 'auto') === 'auto' && readFileSync(input).subarray(0, 3).toString('latin1') === 'FLV') {
      reader.push(readFileSync(input));
      return { messages: reader.messages, videoFrames: reader.videoFrames };
    }
  }
  return runFfmpeg(options, reader);
}

function runFfmpeg(options: ProbeOptions, reader: FlvMetadataReader): Promise<ProbeTimeline> {
  const args = ['-hide_banner', '-loglevel', 'error', '-analyzeduration', '4000000', '-probesize', '5000000', '-i', options.input];
  if (options.seconds !== undefined) args.push('-t', String(options.seconds));
  args.push('-map', '0', '-c', 'copy', '-f', 'flv', 'pipe:1');
  const timeoutMs = options.timeoutMs ?? (options.seconds !== undefined ? options.seconds * 1000 + 20_000 : undefined);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(options.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      reject(new ProbeError(`cannot run ffmpeg: ${(err as Error).message}`));
      return;
    }
    let stderr = '';
    let done = false;
    const stop = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      stop();
      if (err) reject(err);
      else resolve({ messages: reader.messages, videoFrames: reader.videoFrames });
    };
    const timer = timeoutMs !== undefined ? setTimeout(() => finish(reader.videoFrames > 0 ? null : new ProbeError(`cannot read "${options.input}": no video within ${timeoutMs} ms`)), timeoutMs) : null;
    child.stdout!.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        finish(err as Error);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => finish(new ProbeError(`cannot run ffmpeg (${options.ffmpegPath ?? 'ffmpeg'}): ${err.message}`)));
    child.on('close', (code) => {
      const why = stderr.trim().split('\n').filter(Boolean).at(-1) ?? `ffmpeg exited with ${code}`;
      if (code !== 0 && reader.videoFrames === 0) finish(new ProbeError(`cannot read "${options.input}": ${why}`));
      else finish(null);
    });
  });
}
