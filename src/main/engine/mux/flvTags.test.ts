import { describe, expect, it } from 'vitest';
import type { AudioConfig, EncodedFrame, EncodedStreamSink, VideoConfig } from '../media/packets';
import { AmfEcmaArray } from './amf0';
import {
  AAC_RAW,
  AAC_SEQUENCE_HEADER,
  aacAudioBody,
  AVC_NALU,
  avcSequenceHeaderBody,
  avcVideoBody,
  FLV_TAG_AUDIO,
  FLV_TAG_SCRIPT,
  FLV_TAG_VIDEO,
  flvFileHeader,
  FlvReader,
  flvTag,
  type FlvTag,
  onMetaDataBody,
} from './flvTags';
import { FlvToPackets, parseAudioSpecificConfig } from './flvToPackets';

/** A minimal AVCDecoderConfigurationRecord with the given NAL length size. */
function avcRecord(lengthSize: number): Buffer {
  const sps = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xda]);
  const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
  return Buffer.concat([
    Buffer.from([1, 0x42, 0xc0, 0x1e, 0xfc | (lengthSize - 1), 0xe1, 0, sps.length]),
    sps,
    Buffer.from([1, 0, pps.length]),
    pps,
  ]);
}
// AAC-LC, 48 kHz (index 3), stereo.
const ASC = Buffer.from([0x11, 0x90]);

function smallStream(lengthSize = 4): Buffer {
  const parts = [flvFileHeader()];
  parts.push(flvTag(FLV_TAG_SCRIPT, 0, onMetaDataBody({ width: 640, height: 360, framerate: 30, videodatarate: 1000, audiodatarate: 128 })));
  parts.push(flvTag(FLV_TAG_VIDEO, 0, avcSequenceHeaderBody(avcRecord(lengthSize))));
  parts.push(flvTag(FLV_TAG_AUDIO, 0, aacAudioBody(AAC_SEQUENCE_HEADER, ASC)));
  for (let i = 0; i < 6; i++) {
    const dts = Math.round((i * 1000) / 30);
    // One B-frame-like reorder: composition time 33 ms on every other frame.
    parts.push(flvTag(FLV_TAG_VIDEO, dts, avcVideoBody(i % 3 === 0, AVC_NALU, i % 2 ? 33 : 0, Buffer.from([0, 0, 0, 2, 0x65, i]))));
    parts.push(flvTag(FLV_TAG_AUDIO, dts + 5, aacAudioBody(AAC_RAW, Buffer.from([0x21, i, i]))));
  }
  return Buffer.concat(parts);
}

function describeTags(tags: readonly FlvTag[]): unknown[] {
  return tags.map((t) => (t.kind === 'script' ? t : { ...t, body: t.body.toString('hex') }));
}

class RecordingSink implements EncodedStreamSink {
  configs: { video: VideoConfig; audio: AudioConfig }[] = [];
  frames: EncodedFrame[] = [];
  onConfig(video: VideoConfig, audio: AudioConfig): void {
    this.configs.push({ video, audio });
  }
  onFrame(frame: EncodedFrame): void {
    this.frames.push(frame);
  }
}

describe('FLV writer', () => {
  it('writes the file header and PreviousTagSize0 (§E.2)', () => {
    expect(flvFileHeader().toString('hex')).toBe('464c56010500000009' + '00000000');
    expect(flvFileHeader(false, true)[4]).toBe(0x01);
  });

  it('writes a tag header, body and PreviousTagSize (§E.3)', () => {
    const tag = flvTag(FLV_TAG_AUDIO, 0x12345678, Buffer.from([0xaa, 0xbb]));
    expect(tag.toString('hex')).toBe('08' + '000002' + '345678' + '12' + '000000' + 'aabb' + '0000000d');
  });

  it('writes AVC and AAC body headers with a signed composition time', () => {
    expect(avcVideoBody(true, 1, 66, Buffer.from([9])).toString('hex')).toBe('1701000042' + '09');
    expect(avcVideoBody(false, 1, -1, Buffer.alloc(0)).toString('hex')).toBe('2701ffffff');
    expect(aacAudioBody(0, ASC).toString('hex')).toBe('af00' + '1190');
  });
});

describe('FlvReader', () => {
  it('round-trips writer output', () => {
    const tags = new FlvReader().push(smallStream());
    expect(tags.length).toBe(3 + 12);
    const [script, seq, aacSeq, first, firstAudio] = tags;
    expect(script).toEqual({
      kind: 'script',
      timestampMs: 0,
      values: ['onMetaData', new AmfEcmaArray({ width: 640, height: 360, framerate: 30, videodatarate: 1000, audiodatarate: 128 })],
    });
    expect(seq).toMatchObject({ kind: 'video', keyframe: true, codecId: 7, packetType: 0, nalLengthSize: 4 });
    expect(seq!.kind === 'video' && seq!.body.equals(avcRecord(4))).toBe(true);
    expect(aacSeq).toMatchObject({ kind: 'audio', soundFormat: 10, packetType: 0 });
    expect(first).toMatchObject({ kind: 'video', keyframe: true, frameType: 1, packetType: 1, compositionTimeMs: 0, timestampMs: 0 });
    expect(firstAudio).toMatchObject({ kind: 'audio', packetType: 1, timestampMs: 5 });
    const second = tags[5]!;
    expect(second).toMatchObject({ kind: 'video', keyframe: false, frameType: 2, compositionTimeMs: 33, timestampMs: 33 });
    expect(second.kind === 'video' && second.body.toString('hex')).toBe('000000026501');
  });

  it('gives the same tags whatever the chunk boundaries', () => {
    const stream = smallStream();
    const expected = describeTags(new FlvReader().push(stream));
    for (let cut = 1; cut < stream.length; cut++) {
      const reader = new FlvReader();
      const tags = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      expect(describeTags(tags), `split at ${cut}`).toEqual(expected);
      expect(reader.pendingBytes).toBe(0);
    }
    const reader = new FlvReader();
    const byteByByte: FlvTag[] = [];
    for (let i = 0; i < stream.length; i++) byteByByte.push(...reader.push(stream.subarray(i, i + 1)));
    expect(describeTags(byteByByte)).toEqual(expected);
  });

  it('keeps timestamps past 0xFFFFFF (TimestampExtended)', () => {
    const times = [0xfffffe, 0xffffff, 0x1000000, 0x7fffffff, 0xfffffff0];
    const stream = Buffer.concat([flvFileHeader(), ...times.map((t) => flvTag(FLV_TAG_AUDIO, t, aacAudioBody(AAC_RAW, Buffer.from([1]))))]);
    expect(new FlvReader().push(stream).map((t) => t.timestampMs)).toEqual(times);
  });

  it('reads the NAL length size from the decoder record instead of assuming 4', () => {
    const tags = new FlvReader().push(smallStream(2));
    expect(tags.filter((t) => t.kind === 'video').every((t) => t.kind === 'video' && t.nalLengthSize === 2)).toBe(true);
  });

  it('rejects a stream without the FLV signature', () => {
    expect(() => new FlvReader().push(Buffer.from('NOTFLV-AT-ALL'))).toThrow(/FLV/);
  });
});

describe('FlvToPackets', () => {
  it('configures once both sequence headers are in, then forwards frames', () => {
    const sink = new RecordingSink();
    new FlvToPackets({ sink }).onTags(new FlvReader().push(smallStream()));
    expect(sink.configs).toHaveLength(1);
    const { video, audio } = sink.configs[0]!;
    expect(video).toMatchObject({ codec: 'h264', width: 640, height: 360, fps: 30, bitrateKbps: 1000 });
    expect(video.decoderConfig.equals(avcRecord(4))).toBe(true);
    expect(audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2, bitrateKbps: 128 });
    const videoFrames = sink.frames.filter((f) => f.type === 'video');
    expect(videoFrames.map((f) => f.frame)).toEqual([0, 2, 2, 4, 4, 6]);
    expect(videoFrames[1]).toMatchObject({ dtsMs: 33, ptsMs: 66, keyframe: false });
    expect(sink.frames.filter((f) => f.type === 'audio')).toHaveLength(6);
  });

  it('lets given values win over onMetaData and holds frames that come before config', () => {
    const sink = new RecordingSink();
    const adapter = new FlvToPackets({ sink, fps: 25, width: 1280, height: 720 });
    const tags = new FlvReader().push(smallStream());
    // The first frame arrives before the sequence headers (separate encoder
    // processes): it is delivered once they are known, after the config, not lost.
    adapter.onTag(tags[3]!);
    expect(sink.frames).toHaveLength(0);
    adapter.onTags(tags);
    expect(adapter.skippedFrames).toBe(0);
    expect(sink.frames[0]).toMatchObject({ type: tags[3]!.kind });
    expect(sink.configs[0]!.video).toMatchObject({ fps: 25, width: 1280, height: 720 });
    // Re-sent identical headers are not a new config.
    adapter.onTags(tags.slice(1, 3));
    expect(sink.configs).toHaveLength(1);
  });

  it('parses AudioSpecificConfig sample rate and channels', () => {
    expect(parseAudioSpecificConfig(Buffer.from([0x12, 0x10]))).toEqual({ sampleRate: 44100, channels: 2 });
    expect(parseAudioSpecificConfig(Buffer.from([0x11, 0x88]))).toEqual({ sampleRate: 48000, channels: 1 });
  });
});
