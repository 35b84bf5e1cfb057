// Reading a flash-and-beep test signal (a white flash and a beep together at each
// second) back from what a source gave the programme, to measure lip sync.

/** The first sample (per channel) of s16le stereo louder than `thresholdDb` dBFS; 0 if none. */
export function firstLoudSample(pcm: Buffer, thresholdDb: number): number {
  const threshold = 32768 * 10 ** (thresholdDb / 20);
  for (let i = 0; i + 1 < pcm.length; i += 2) if (Math.abs(pcm.readInt16LE(i)) > threshold) return Math.floor(i / 4);
  return 0;
}

/** For each flash (a tick), its nearest beep onset minus the flash, in ticks: negative when the sound comes first. */
export function beepOffsets(flashes: readonly number[], beeps: readonly number[]): number[] {
  return flashes.map((f) => beeps.reduce((best, b) => (Math.abs(b - f) < Math.abs(best - f) ? b : best), -1e9) - f);
}
