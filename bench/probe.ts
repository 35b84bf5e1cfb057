// Probe time for `npm run bench` (issue 3, "What it must show" 1 and 4): how long the
// availability check (every listed encoder's test encode, in parallel) and the whole
// probe (with one-after-another ~2 s speed measurements) take on this machine.
import { probeEncoders } from '../src/main/engine/encoder/encoderProbe';

export interface ProbeBench {
  readonly availabilityCheckMs: number;
  readonly fullProbeMs: number;
  /** ffmpeg names of the encoders that passed their test encode at 1280x720@30. */
  readonly working: string[];
  readonly unavailable: number;
}

export async function runProbeBench(ffmpegPath: string): Promise<ProbeBench> {
  // Uncached (cacheFile null): the figure is the probe itself, not a file read.
  const result = await probeEncoders({ ffmpegPath, canvas: { width: 1280, height: 720, fps: 30 }, cacheFile: null, measure: true });
  return {
    availabilityCheckMs: result.availabilityMs,
    fullProbeMs: result.totalMs,
    working: result.encoders.filter((e) => e.state === 'working').map((e) => e.encoder),
    unavailable: result.encoders.filter((e) => e.state === 'unavailable').length,
  };
}
