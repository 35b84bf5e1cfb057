import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enhancedCodedFramesBody, enhancedSequenceStartBody, FOURCC_HEVC } from '../../mux/enhancedFlv';
import { AAC_RAW, aacAudioBody, avcSequenceHeaderBody, avcVideoBody, AVC_NALU, FLV_TAG_AUDIO, FLV_TAG_SCRIPT, FLV_TAG_VIDEO, flvFileHeader, flvTag, onMetaDataBody } from '../../mux/flvTags';
import { summarizeFlvFile } from './flvFileSummary';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function write(parts: readonly Buffer[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-summary-'));
  dirs.push(dir);
  const file = path.join(dir, 'r.flv');
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

describe('summarizeFlvFile', () => {
  it('counts H.264 frames and finds the last presentation time, across reads of 1 MB', async () => {
    const big = Buffer.alloc(1_500_000, 7); // one frame larger than a read window
    const file = write([
      flvFileHeader(),
      flvTag(FLV_TAG_SCRIPT, 0, onMetaDataBody({ width: 640 })),
      flvTag(FLV_TAG_VIDEO, 0, avcSequenceHeaderBody(Buffer.from([1, 0x64, 0, 0x1f, 0xff]))),
      flvTag(FLV_TAG_VIDEO, 0, avcVideoBody(true, AVC_NALU, 0, Buffer.alloc(100))),
      flvTag(FLV_TAG_AUDIO, 10, aacAudioBody(AAC_RAW, Buffer.alloc(50))),
      flvTag(FLV_TAG_VIDEO, 33, avcVideoBody(false, AVC_NALU, 0, big)),
      flvTag(FLV_TAG_VIDEO, 67, avcVideoBody(false, AVC_NALU, 0, Buffer.alloc(100))),
    ]);
    const summary = await summarizeFlvFile(file);
    expect(summary).toMatchObject({ videoCodec: 'h264', enhanced: false, videoFrames: 3, lastVideoPtsMs: 67, completeBytes: summary.bytes });
    expect(summary.frameMs).toBeCloseTo(33.5, 5);
  });

  it('reads Enhanced FLV (HEVC) with composition times, and stops at a tag cut short', async () => {
    const whole = [
      flvFileHeader(),
      flvTag(FLV_TAG_VIDEO, 0, enhancedSequenceStartBody(FOURCC_HEVC, Buffer.alloc(23))),
      flvTag(FLV_TAG_VIDEO, 0, enhancedCodedFramesBody(FOURCC_HEVC, true, 67, Buffer.alloc(80))),
      flvTag(FLV_TAG_VIDEO, 33, enhancedCodedFramesBody(FOURCC_HEVC, false, 100, Buffer.alloc(80))),
      flvTag(FLV_TAG_VIDEO, 67, enhancedCodedFramesBody(FOURCC_HEVC, false, 0, Buffer.alloc(80))),
    ];
    const torn = flvTag(FLV_TAG_VIDEO, 100, enhancedCodedFramesBody(FOURCC_HEVC, false, 33, Buffer.alloc(80))).subarray(0, 40);
    const wholeBytes = Buffer.concat(whole).length;
    const summary = await summarizeFlvFile(write([...whole, torn]));
    expect(summary).toEqual({ videoCodec: 'hevc', enhanced: true, videoFrames: 3, lastVideoPtsMs: 133, frameMs: 33.5, completeBytes: wholeBytes, bytes: wholeBytes + 40 });
  });

  it('says so when a file is not FLV', async () => {
    await expect(summarizeFlvFile(write([Buffer.from('not a video file at all')]))).rejects.toThrow(/is not an FLV file/);
  });
});
