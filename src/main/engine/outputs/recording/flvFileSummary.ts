// What a recording left on disk, read from its tag headers alone (FLV spec §E.3:
// tags are self-delimiting, so a reader hops from header to header): the codec, how
// many video frames, where the last whole tag ends and when the picture ends. After
// a crash this is the only source of the file's length, since the writer never got
// to say it.
import { open } from 'node:fs/promises';
import { FLV_CODEC_AVC, FLV_TAG_VIDEO } from '../../mux/flvTags';
import { EX_PACKET_CODED_FRAMES, EX_PACKET_CODED_FRAMES_X, FOURCC_AV1, FOURCC_HEVC } from '../../mux/enhancedFlv';

export type FlvVideoKind = 'h264' | 'hevc' | 'av1' | 'other';

export interface FlvFileSummary {
  /** Codec of the first video tag; null when the file has none. */
  readonly videoCodec: FlvVideoKind | null;
  /** Enhanced FLV (FourCC video): ffmpeg 5.1's FLV reader cannot read it. */
  readonly enhanced: boolean;
  readonly videoFrames: number;
  /** Presentation time of the last video frame (DTS + composition time); null without frames. */
  readonly lastVideoPtsMs: number | null;
  /** Mean DTS step between video frames; null with fewer than two. */
  readonly frameMs: number | null;
  /** Offset just past the last whole tag; less than `bytes` when the file was cut mid-tag. */
  readonly completeBytes: number;
  readonly bytes: number;
}

/** Read in windows this large: headers are found without reading tag bodies twice. */
const WINDOW = 1 << 20;
/** A tag header, plus the first 8 body bytes (codec, packet type, composition time). */
const PEEK = 11 + 8;

export async function summarizeFlvFile(file: string): Promise<FlvFileSummary> {
  const handle = await open(file, 'r');
  try {
    const bytes = (await handle.stat()).size;
    let window = Buffer.alloc(0);
    let windowStart = 0;
    /** Bytes [pos, pos + n) if they are in the file, from the window or a fresh read. */
    const view = async (pos: number, n: number): Promise<Buffer | null> => {
      const end = Math.min(pos + n, bytes);
      if (pos < windowStart || end > windowStart + window.length) {
        const buf = Buffer.alloc(Math.min(Math.max(WINDOW, n), bytes - pos));
        const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
        window = buf.subarray(0, bytesRead);
        windowStart = pos;
      }
      const got = window.subarray(pos - windowStart, end - windowStart);
      return got.length > 0 ? got : null;
    };

    const head = await view(0, 13);
    if (!head || head.length < 13 || head.toString('latin1', 0, 3) !== 'FLV') throw new Error(`${file} is not an FLV file`);
    let pos = head.readUInt32BE(5) + 4;
    let completeBytes = pos;
    let videoCodec: FlvVideoKind | null = null;
    let enhanced = false;
    let videoFrames = 0;
    let lastVideoPtsMs: number | null = null;
    let firstDts: number | null = null;
    let lastDts = 0;
    for (;;) {
      const peek = await view(pos, PEEK);
      if (!peek || peek.length < 11) break;
      const size = peek.readUIntBE(1, 3);
      if (pos + 11 + size + 4 > bytes) break; // cut mid-tag: the rest is not a tag
      const dts = (peek.readUIntBE(4, 3) | (peek[7]! << 24)) >>> 0;
      const body = peek.subarray(11, 11 + Math.min(size, 8));
      if ((peek[0]! & 0x1f) === FLV_TAG_VIDEO && body.length > 0) {
        const frame = codedFrame(body);
        if (frame) {
          videoCodec ??= frame.codec;
          enhanced ||= frame.enhanced;
          videoFrames++;
          firstDts ??= dts;
          lastDts = dts;
          lastVideoPtsMs = Math.max(lastVideoPtsMs ?? 0, dts + frame.ctsMs);
        }
      }
      pos += 11 + size + 4;
      completeBytes = pos;
    }
    const frameMs = videoFrames > 1 && firstDts !== null ? (lastDts - firstDts) / (videoFrames - 1) : null;
    return { videoCodec, enhanced, videoFrames, lastVideoPtsMs, frameMs, completeBytes, bytes };
  } finally {
    await handle.close();
  }
}

/** A coded picture's codec and composition time, or null for headers and commands. */
function codedFrame(body: Buffer): { codec: FlvVideoKind; enhanced: boolean; ctsMs: number } | null {
  const b0 = body[0]!;
  if (((b0 >> 4) & 0x07) === 5) return null; // video info / command frame (§E.4.3.1)
  if (b0 & 0x80) {
    // Enhanced RTMP: packet type in the low nibble, then the FourCC.
    if (body.length < 5) return null;
    const packetType = b0 & 0x0f;
    if (packetType !== EX_PACKET_CODED_FRAMES && packetType !== EX_PACKET_CODED_FRAMES_X) return null;
    const fourCc = body.toString('latin1', 1, 5);
    const codec = fourCc === FOURCC_HEVC ? 'hevc' : fourCc === FOURCC_AV1 ? 'av1' : 'other';
    const ctsMs = packetType === EX_PACKET_CODED_FRAMES && body.length >= 8 ? body.readIntBE(5, 3) : 0;
    return { codec, enhanced: true, ctsMs };
  }
  if ((b0 & 0x0f) !== FLV_CODEC_AVC) return { codec: 'other', enhanced: false, ctsMs: 0 };
  if (body.length < 5 || body[1] !== 1) return null; // not AVC NAL units (a sequence header, an end of sequence)
  return { codec: 'h264', enhanced: false, ctsMs: body.readIntBE(2, 3) };
}
