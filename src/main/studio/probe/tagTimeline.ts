// The probe's FLV-tag-level logic: video, audio and script tags (or the RTMP
// messages that carry the same bodies) in, SEI and cue points out, each placed on a
// video access unit with its PTS. Facts: specs/flv-rtmp-sei.md "FLV", "AMF0".
import { readAmf0, type Amf0Value } from '../../engine/play/amf0Codec';
import type { ProbeMessage } from './probeTypes';
import { accessUnitSei } from './seiPayloads';

/** FLV tag types (FLV spec §E.4.1), the same numbers as RTMP message types 8, 9, 18. */
export const TAG_AUDIO = 8;
export const TAG_VIDEO = 9;
export const TAG_SCRIPT = 18;

type VideoCodec = 'h264' | 'hevc' | 'other';

interface PendingCue {
  readonly value: Amf0Value;
  readonly messageTimeMs: number;
}

export class FlvTagTimeline {
  readonly messages: ProbeMessage[] = [];
  videoFrames = 0;
  private lengthSize = 4;
  /** Cue points wait for the access unit they belong to: the next one. */
  private cues: PendingCue[] = [];

  constructor(private readonly onMessage?: (msg: ProbeMessage) => void) {}

  /** One tag body; `timestampMs` is the tag's (or RTMP message's) timestamp, the DTS. */
  tag(type: number, timestampMs: number, data: Buffer): void {
    if (type === TAG_VIDEO) this.videoTag(data, timestampMs);
    else if (type === TAG_SCRIPT) this.scriptTag(data, timestampMs);
  }

  /** End of stream: cue points with no access unit after them are reported at their own time. */
  finish(): void {
    const cues = this.cues;
    this.cues = [];
    for (const cue of cues) this.emitCue(cue, this.videoFrames, cue.messageTimeMs, false);
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
    const keyframe = frameType === 1;
    let codec: VideoCodec;
    let cts = 0;
    let body: Buffer;
    if (b0 & 0x80) {
      // Enhanced RTMP: FourCC after the first byte.
      if (data.length < 5) return;
      const fourCc = data.toString('latin1', 1, 5);
      codec = fourCc === 'hvc1' ? 'hevc' : fourCc === 'avc1' ? 'h264' : 'other';
      const packetType = b0 & 0x0f;
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
        // Another legacy codec: a frame, but no NAL units.
        this.accessUnit(dts, keyframe);
        return;
      }
      codec = codecId === 7 ? 'h264' : 'hevc';
      if (data.length < 5) return;
      const packetType = data[1]!;
      cts = data.readIntBE(2, 3);
      body = data.subarray(5);
      if (packetType === 0) return this.sequenceStart(codec, body);
      if (packetType !== 1) return;
    }
    const pts = dts + cts;
    const frameIndex = this.accessUnit(pts, keyframe);
    if (codec === 'other') return;
    for (const payload of accessUnitSei(body, codec, this.lengthSize)) {
      this.emit({ source: 'sei', frameIndex, ptsMs: pts, payload: decodeJson(payload), keyframe });
    }
  }

  /** Counts an access unit and hands it the cue points waiting for it; returns its index. */
  private accessUnit(ptsMs: number, keyframe: boolean): number {
    const frameIndex = this.videoFrames++;
    const cues = this.cues;
    this.cues = [];
    for (const cue of cues) this.emitCue(cue, frameIndex, ptsMs, keyframe);
    return frameIndex;
  }

  /** NAL length size from the decoder configuration record (never assumed). */
  private sequenceStart(codec: VideoCodec, record: Buffer): void {
    if (codec === 'h264' && record.length > 4) this.lengthSize = (record[4]! & 3) + 1;
    if (codec === 'hevc' && record.length > 21) this.lengthSize = (record[21]! & 3) + 1;
  }

  private scriptTag(data: Buffer, messageTimeMs: number): void {
    try {
      let [name, pos] = readAmf0(data, 0);
      // ffmpeg's RTMP output wraps every script tag so; ours never does (spec "AMF0").
      if (name === '@setDataFrame') [name, pos] = readAmf0(data, pos);
      if (name !== 'onCuePoint') return;
      const [value] = readAmf0(data, pos);
      this.cues.push({ value, messageTimeMs });
    } catch {
      // A script tag we cannot decode is not ours to judge.
    }
  }

  private emitCue(cue: PendingCue, frameIndex: number, ptsMs: number, keyframe: boolean): void {
    const fields = isObject(cue.value) ? cue.value : {};
    const name = typeof fields.name === 'string' ? fields.name : '';
    const time = typeof fields.time === 'number' ? fields.time : Number.NaN;
    const cuePoint = {
      name,
      timeMs: time * 1000,
      type: typeof fields.type === 'string' ? fields.type : '',
      parameters: fields.parameters,
      messageTimeMs: cue.messageTimeMs,
    };
    this.emit({ source: 'cuepoint', frameIndex, ptsMs, payload: ourMessage(name, fields.parameters) ?? cue.value, keyframe, cuePoint });
  }
}

function isObject(v: Amf0Value): v is { [key: string]: Amf0Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Our cue points carry the exact message as JSON text in parameters.message (RTMP and recordings alike). */
function ourMessage(name: string, parameters: Amf0Value): unknown {
  if (!name.startsWith('cuecast.') || !isObject(parameters) || typeof parameters.message !== 'string') return undefined;
  try {
    return JSON.parse(parameters.message) as unknown;
  } catch {
    return { invalidJson: parameters.message };
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
