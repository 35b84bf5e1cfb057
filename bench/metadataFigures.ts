// The figures of the commerce-metadata and many-destinations work (issue 4), as rows
// of the `npm run bench` table: SEI on the cut frame through nginx-rtmp, a killed
// destination, the mux stage's cost and five destinations against one.
import { runDestinationOutage } from './destinationOutage';
import { runDestinationsCost, runMuxCost } from './destinationsCost';
import { runMetadataCuts } from './metadataCuts';

export interface Row {
  readonly figure: string;
  readonly measured: string;
  readonly target: string;
  readonly pass: boolean | null;
}

export type Step = <T>(name: string, run: () => Promise<T>) => Promise<T | null>;

export async function metadataFigures(step: Step, quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const cuts = await step('metacuts', () => runMetadataCuts({ changes: quick ? 12 : 50 }));
  if (cuts) {
    rows.push({
      figure: 'M1. product changes tied to cuts, via nginx-rtmp',
      measured: `${cuts.found}/${cuts.changes} SEI read back; ${cuts.offFrameCount} off the first frame of their camera (offsets ${[...new Set(cuts.frameOffsets)].join(',')}); ${cuts.keyframesWithCurrentProduct}/${cuts.keyframes} keyframes repeat the current product`,
      target: 'all found, 0 frames offset, every keyframe repeats',
      pass: cuts.found === cuts.changes && cuts.offFrameCount === 0 && cuts.keyframes > 0 && cuts.keyframesWithCurrentProduct === cuts.keyframes,
    });
  }
  const outage = await step('outage', () => runDestinationOutage({ outageMs: 10_000 }));
  if (outage) {
    const missing = outage.survivors.map((s) => s.missing);
    rows.push({
      figure: 'M3. 3 destinations + recording, one ingest killed 10 s',
      measured: `back ${outage.reconnectedAfterRestartMs} ms after its restart (cap ${outage.backoffCapMs} ms, ${outage.reconnects} reconnects); others missing ${missing.join(' and ')} frames; programme ≥ ${outage.programmeFpsMin} fps; recording ${outage.recording.gapsOverOneFrame} gaps, ${outage.recording.decodeErrors} decode errors`,
      target: 'reconnects within cap; 0 lost; no stall; no gap',
      pass:
        outage.reconnectedAfterRestartMs <= outage.backoffCapMs &&
        missing.every((m) => m === 0) &&
        outage.programmeFpsMin >= 28 &&
        outage.recording.gapsOverOneFrame === 0 &&
        outage.recording.decodeErrors === 0,
    });
  }
  const mux = await step('muxcost', () => runMuxCost({ frames: quick ? 90 : 300 }));
  if (mux) {
    rows.push({
      figure: 'M5a. mux stage cost per access unit, 1080p30',
      measured: `${mux.stageMicrosPerFrame} µs per frame with SEI and keyframe repeats (${(mux.shareOfFrameInterval * 100).toFixed(3)}% of a frame interval; hand-on alone ${mux.passThroughMicrosPerFrame} µs)`,
      target: 'reported',
      pass: null,
    });
  }
  const dest = await step('destcost', () => runDestinationsCost({ seconds: quick ? 5 : 15 }));
  if (dest) {
    rows.push({
      figure: 'M5b. CPU, five destinations vs one',
      measured: `${dest.fiveDestinationsCpuPercent}% vs ${dest.oneDestinationCpuPercent}% of a core (×${dest.ratio}; ${dest.perExtraDestinationCpuPercent}% per extra destination), ${dest.canvas}`,
      target: 'reported',
      pass: null,
    });
  }
  return rows;
}
