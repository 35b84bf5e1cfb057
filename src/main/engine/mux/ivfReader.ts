// A streaming IVF reader: how ffmpeg 5.1 hands us AV1 (it cannot put AV1 in FLV or in
// an MPEG-TS it reads back). IVF (libvpx's container, as ffmpeg's ivfenc writes it):
// a 32-byte little-endian file header, then per frame a 12-byte header (u32 size,
// u64 pts) and the frame. Chunks may split anything anywhere.

const SIGNATURE = 'DKIF';
const FILE_HEADER_MIN = 32;
const FRAME_HEADER = 12;

export class IvfFormatError extends Error {}

export interface IvfHeader {
  readonly fourCc: string;
  readonly width: number;
  readonly height: number;
  /** Timestamps count in timebaseNum / timebaseDen seconds. */
  readonly timebaseNum: number;
  readonly timebaseDen: number;
}

export interface IvfFrame {
  readonly pts: number;
  readonly ptsMs: number;
  /** One temporal unit for AV1. */
  readonly data: Buffer;
}

export class IvfReader {
  private pending: Buffer = Buffer.alloc(0);
  private fileHeader: IvfHeader | null = null;

  get header(): IvfHeader | null {
    return this.fileHeader;
  }

  push(chunk: Buffer): IvfFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: IvfFrame[] = [];
    let pos = 0;
    if (!this.fileHeader) {
      const length = this.readFileHeader();
      if (length === 0) return frames;
      pos = length;
    }
    const header = this.fileHeader!;
    while (pos + FRAME_HEADER <= this.pending.length) {
      const size = this.pending.readUInt32LE(pos);
      if (pos + FRAME_HEADER + size > this.pending.length) break;
      const pts = Number(this.pending.readBigInt64LE(pos + 4));
      const data = Buffer.from(this.pending.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + size));
      frames.push({ pts, ptsMs: (pts * 1000 * header.timebaseNum) / header.timebaseDen, data });
      pos += FRAME_HEADER + size;
    }
    this.pending = this.pending.subarray(pos);
    return frames;
  }

  /** The file header's length once all of it is here, else 0. */
  private readFileHeader(): number {
    const b = this.pending;
    if (b.length >= 4 && b.toString('latin1', 0, 4) !== SIGNATURE) throw new IvfFormatError('no DKIF signature');
    if (b.length < FILE_HEADER_MIN) return 0;
    const length = b.readUInt16LE(6);
    if (length < FILE_HEADER_MIN) throw new IvfFormatError(`IVF header length ${length}`);
    if (b.length < length) return 0;
    // ffmpeg's ivfenc writes the rate (timebase denominator) before the scale (numerator).
    const timebaseDen = b.readUInt32LE(16);
    const timebaseNum = b.readUInt32LE(20);
    if (timebaseDen === 0 || timebaseNum === 0) throw new IvfFormatError(`IVF timebase ${timebaseNum}/${timebaseDen}`);
    this.fileHeader = { fourCc: b.toString('latin1', 8, 12), width: b.readUInt16LE(12), height: b.readUInt16LE(14), timebaseNum, timebaseDen };
    return length;
  }
}
