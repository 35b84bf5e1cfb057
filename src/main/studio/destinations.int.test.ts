// Many destinations and commerce metadata end to end, through real nginx-rtmp
// servers, judged by decoding what the servers delivered and what was recorded (the
// same scenarios as `npm run bench`, shorter).
import { describe, expect, it } from 'vitest';
import { runDestinationOutage } from '../../../bench/destinationOutage';
import { runMetadataCuts } from '../../../bench/metadataCuts';

describe('destinations and metadata through nginx-rtmp', () => {
  it('puts each product change on the first frame of its camera, and repeats it on keyframes', async () => {
    const r = await runMetadataCuts({ changes: 12, width: 640, height: 360 });
    expect(r.changes).toBe(12);
    expect(r.found).toBe(12);
    expect(r.frameOffsets).toEqual(Array(12).fill(0));
    expect(r.keyframes).toBeGreaterThan(3);
    expect(r.keyframesWithCurrentProduct).toBe(r.keyframes);
  }, 120_000);

  it('brings a killed ingest back by itself while the others and the recording lose nothing', async () => {
    const r = await runDestinationOutage({ outageMs: 10_000, width: 640, height: 360 });
    expect(r.reconnects).toBeGreaterThan(0);
    expect(r.reconnectedAfterRestartMs).toBeLessThanOrEqual(r.backoffCapMs);
    for (const s of r.survivors) {
      expect(s.frames).toBeGreaterThan(300);
      expect(s.missing).toBe(0);
    }
    expect(r.programmeFpsMin).toBeGreaterThanOrEqual(28);
    expect(r.recording.frames).toBeGreaterThan(400);
    expect(r.recording.gapsOverOneFrame).toBe(0);
    expect(r.recording.decodeErrors).toBe(0);
  }, 150_000);
});
