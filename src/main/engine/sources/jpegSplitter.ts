// Splits an MJPEG image2pipe stream into whole JPEG images. It walks the marker
// structure (ITU-T T.81 §B.1.1) instead of searching for FFD9, so a 0xFFD9 inside a
// header segment cannot end an image early; inside entropy-coded data every 0xFF is
// followed by 0x00 (stuffing) or RSTn (§B.1.1.5), so the next other marker is EOI.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;

/** Drops a stream whose images grow past this: a preview JPEG is tens of kB. */
const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export class JpegSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** Where scanning resumes in `pending`, so a large image is not rescanned per chunk. */
  private scan = 0;
  private inEntropy = false;

  /** Feed one chunk; returns the images it completed, oldest first. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const images: Buffer[] = [];
    for (;;) {
      const end = this.findEnd();
      if (end < 0) break;
      images.push(Buffer.from(this.pending.subarray(0, end)));
      this.pending = this.pending.subarray(end);
      this.scan = 0;
      this.inEntropy = false;
    }
    if (this.pending.length > MAX_IMAGE_BYTES) this.reset();
    return images;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
    this.scan = 0;
    this.inEntropy = false;
  }

  /** Offset just past the first complete image's EOI, or -1 when more bytes are needed. */
  private findEnd(): number {
    const b = this.pending;
    if (this.scan === 0) {
      // Resynchronise on SOI: skip anything before it (a stream joined mid-image).
      const start = indexOfSoi(b);
      if (start < 0) {
        this.pending = b.subarray(Math.max(0, b.length - 1));
        return -1;
      }
      this.pending = b.subarray(start);
      this.scan = 2;
      return this.findEnd();
    }
    let p = this.scan;
    while (p + 1 < b.length) {
      if (this.inEntropy) {
        if (b[p] !== 0xff) {
          const next = b.indexOf(0xff, p);
          if (next < 0) {
            p = b.length;
            break;
          }
          p = next;
          if (p + 1 >= b.length) break;
        }
        const m = b[p + 1];
        if (m === 0x00 || m === 0xff || (m >= 0xd0 && m <= 0xd7)) {
          p += m === 0xff ? 1 : 2;
          continue;
        }
        this.inEntropy = false;
        continue; // p is at a marker: handled below
      }
      if (b[p] !== 0xff) {
        // Not a marker where one must be: the image is corrupt; look for the next SOI.
        this.pending = b.subarray(p);
        this.scan = 0;
        return this.findEnd();
      }
      const m = b[p + 1];
      if (m === 0xff) {
        p++; // fill byte
        continue;
      }
      if (m === EOI) return p + 2;
      if (m === SOI || m === TEM || (m >= 0xd0 && m <= 0xd7)) {
        p += 2;
        continue;
      }
      if (p + 4 > b.length) break;
      const length = b.readUInt16BE(p + 2);
      if (p + 2 + length > b.length) break;
      p += 2 + length;
      if (m === SOS) this.inEntropy = true;
    }
    this.scan = p;
    return -1;
  }
}

function indexOfSoi(b: Buffer): number {
  let i = b.indexOf(0xff);
  while (i >= 0 && i + 1 < b.length) {
    if (b[i + 1] === SOI) return i;
    i = b.indexOf(0xff, i + 1);
  }
  return -1;
}
