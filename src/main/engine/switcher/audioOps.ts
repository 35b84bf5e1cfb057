// s16le interleaved stereo PCM helpers for the programme audio path.

/** Crossfade: a * (1 - t) + b * t, sample by sample, clamped to 16 bits. */
export function mixPcm(a: Buffer, b: Buffer, t: number): Buffer {
  const n = Math.min(a.length, b.length) & ~1;
  const out = Buffer.allocUnsafe(n);
  const wb = Math.max(0, Math.min(1, t));
  const wa = 1 - wb;
  for (let i = 0; i < n; i += 2) {
    const s = Math.round(a.readInt16LE(i) * wa + b.readInt16LE(i) * wb);
    out.writeInt16LE(s > 32767 ? 32767 : s < -32768 ? -32768 : s, i);
  }
  return out;
}
