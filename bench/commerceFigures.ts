// The figures of the rundown / orders work (issue 5) as rows of the `npm run bench`
// table: a take on one frame read back from the ingest, the cost of keying the
// graphics over the programme, the order webhook under load and across a crash, and
// the programme while the running studio is flooded with orders.
import { measureOverlayCost } from '../src/main/engine/switcher/overlays';
import type { Row, Step } from './metadataFigures';
import { orderLoadRows, runOrderLoad } from './orderLoad';
import { runOrderLoadInStudio } from './orderLoadStudio';
import { runTakeFrame } from './takeFrame';

export async function commerceFigures(step: Step, quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const take = await step('take', () => runTakeFrame());
  if (take) {
    const offsets = [...take.cameraOffsets, ...take.cardOffsets, ...take.metadataOffsets];
    rows.push({
      figure: 'R3. take: camera, card, metadata, teleprompter',
      measured: `${take.takes} takes read back from nginx-rtmp; frame offsets camera ${take.cameraOffsets.join(',')}, card ${take.cardOffsets.join(',')}, SEI ${take.metadataOffsets.join(',')}; teleprompter state on the take's frame ${take.teleprompterOnFrame}/${take.takes}`,
      target: 'all on the same frame (0)',
      pass: offsets.every((o) => o === 0) && take.teleprompterOnFrame === take.takes,
    });
  }
  const overlay = await step('overlay', async () => measureOverlayCost({ frames: quick ? 60 : 300 }));
  for (const o of overlay ?? []) {
    rows.push({
      figure: `R5. graphics keyed over the programme, ${o.label}`,
      measured: `${Math.round(o.copyAndBlendUs)} µs per frame (${o.overlays}; ${((o.copyAndBlendUs / (1e6 / 30)) * 100).toFixed(1)}% of a 30 fps frame interval)`,
      target: 'reported',
      pass: null,
    });
  }
  const orders = await step('orders', () => runOrderLoad(quick ? { seconds: 10 } : {}));
  if (orders) rows.push(...orderLoadRows(orders));
  const inStudio = await step('ordersstudio', () => runOrderLoadInStudio(quick ? { seconds: 8 } : {}));
  if (inStudio) {
    const s = inStudio;
    rows.push({
      figure: `O3. ${s.ratePerSec} orders/s × ${s.seconds} s into the running studio (720p30 programme)`,
      measured:
        `programme ${s.programFrames}/${s.expectedFrames} frames, lowest ${s.lowestFps} fps, ${s.droppedFrames} dropped at the encoder, main loop delay p99 ${s.eventLoopDelayP99Ms} ms; ` +
        `orders: ${s.sent} sent, ${s.answered200} answered 200, ${s.countedOrders} counted for ${s.acceptedAnswers} accepted answers; ack p50 ${s.ackP50Ms} p99 ${s.ackP99Ms} ms (the desk yields the CPU to the programme)`,
      target: 'programme: 0 dropped, ≥ 29 fps; orders: none acknowledged and lost',
      pass: s.droppedFrames === 0 && s.lowestFps >= 29 && s.countedOrders >= s.acceptedAnswers,
    });
  }
  return rows;
}
