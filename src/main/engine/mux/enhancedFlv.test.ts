// Byte layout of Enhanced RTMP video bodies (specs/flv-rtmp-sei.md "Enhanced RTMP").
import { describe, expect, it } from 'vitest';
import type { EncodedVideoFrame, VideoConfig } from '../media/packets';
import {
  enhancedCodedFramesBody,
  enhancedSequenceStartBody,
  EX_PACKET_SEQUENCE_END,
  enhancedVideoBody,
  flvVideoCodecId,
  flvVideoFrameBody,
  flvVideoSequenceHeaderBody,
  fourCcNumber,
} from './enhancedFlv';

const config = (codec: 'h264' | 'hevc'): VideoConfig => ({ codec, width: 640, height: 360, fps: 30, bitrateKbps: 1000, decoderConfig: Buffer.from([1, 2, 3]) });
const frame = (ptsMs: number, dtsMs: number, keyframe: boolean): EncodedVideoFrame => ({ type: 'video', ptsMs, dtsMs, keyframe, data: Buffer.from([0, 0, 0, 1, 0x26]), frame: 0 });

describe('enhanced FLV bodies', () => {
  it('numbers FourCCs big-endian', () => {
    expect(fourCcNumber('hvc1')).toBe(0x68766331);
    expect(() => fourCcNumber('hvc')).toThrow(RangeError);
  });

  it('writes SequenceStart, CodedFrames with s24 cts, CodedFramesX and SequenceEnd', () => {
    expect(enhancedSequenceStartBody('hvc1', Buffer.from([9])).toString('hex')).toBe('90' + '68766331' + '09');
    expect(enhancedCodedFramesBody('hvc1', true, 0, Buffer.from([7])).toString('hex')).toBe('93' + '68766331' + '07');
    expect(enhancedCodedFramesBody('hvc1', false, 67, Buffer.from([7])).toString('hex')).toBe('a1' + '68766331' + '000043' + '07');
    expect(enhancedCodedFramesBody('hvc1', false, -33, Buffer.from([7])).toString('hex')).toBe('a1' + '68766331' + 'ffffdf' + '07');
    expect(enhancedVideoBody(true, EX_PACKET_SEQUENCE_END, 'hvc1', Buffer.alloc(0)).toString('hex')).toBe('92' + '68766331');
  });

  it('keeps the legacy AVC layout for h264 and goes enhanced for hevc', () => {
    expect(flvVideoCodecId(config('h264'))).toBe(7);
    expect(flvVideoCodecId(config('hevc'))).toBe(0x68766331);
    expect(flvVideoSequenceHeaderBody(config('h264')).toString('hex')).toBe('1700000000010203');
    expect(flvVideoSequenceHeaderBody(config('hevc')).toString('hex')).toBe('9068766331010203');
    expect(flvVideoFrameBody(config('h264'), frame(100, 66.7, false)).toString('hex')).toBe('2701000021000000' + '0126');
    expect(flvVideoFrameBody(config('hevc'), frame(100, 66.7, false)).toString('hex')).toBe('a168766331000021' + '000000' + '0126');
    expect(flvVideoFrameBody(config('hevc'), frame(100, 100, true)).toString('hex')).toBe('9368766331' + '000000' + '0126');
  });
});
