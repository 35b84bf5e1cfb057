// A take end to end through nginx-rtmp (issue 5, figure 3): camera, product card,
// "explaining" metadata and the teleprompter's state all change on the answered frame.
import { describe, expect, it } from 'vitest';
import { runTakeFrame } from '../../../bench/takeFrame';

describe('take', () => {
  it('moves camera, card, metadata and teleprompter on the same programme frame', async () => {
    const r = await runTakeFrame();
    expect(r.takes).toBe(4);
    expect(r.cameraOffsets).toEqual([0, 0, 0, 0]);
    expect(r.cardOffsets).toEqual([0, 0, 0, 0]);
    expect(r.metadataOffsets).toEqual([0, 0, 0, 0]);
    expect(r.teleprompterOnFrame).toBe(4);
  }, 120_000);
});
