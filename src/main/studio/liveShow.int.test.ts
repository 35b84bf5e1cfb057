// The live path end to end against a real nginx-rtmp, judged by decoding what the
// server delivers (the same scenarios as `npm run bench`, shorter).
import { describe, expect, it } from 'vitest';
import { runCutAccuracy } from '../../../bench/cutAccuracy';
import { runEncoderFailover } from '../../../bench/encoderFailover';
import { runNoStall } from '../../../bench/noStall';

describe('live show through nginx-rtmp', () => {
  it('puts every cut on air on the announced programme frame, with no frame missing or repeated', async () => {
    const r = await runCutAccuracy({ cuts: 6, width: 640, height: 360 });
    expect(r.cutsVerified).toBe(6);
    expect(r.framesLate).toEqual([0, 0, 0, 0, 0, 0]);
    expect(r.wrongCameraBeforeCut).toBe(0);
    expect(r.programmeFramesMissing).toBe(0);
    expect(r.programmeFramesRepeated).toBe(0);
    expect(r.timestampGapsOverOneFrame).toBe(0);
  }, 90_000);

  it('keeps the programme running when a remote feed dies, and the feed comes back by itself', async () => {
    const r = await runNoStall();
    expect(r.noSignalAfterKillMs).toBeLessThanOrEqual(1500);
    expect(r.gapsOverOneFrame).toBe(0);
    expect(r.programmeFpsDuringOutage).toBeGreaterThan(28);
    expect(r.backAfterRestartMs).toBeLessThan(20_000);
  }, 120_000);

  it('replaces a killed encoder on the same ingest connection, with the timeline continuing', async () => {
    const r = await runEncoderFailover();
    expect(r.reconnects).toBe(0);
    expect(r.outputState).toBe('live');
    expect(r.largestGapMs).toBeLessThanOrEqual(2000);
    expect(r.framesAfterSwitch).toBeGreaterThan(60);
    expect(r.decodeErrors).toEqual([]);
    expect(r.operatorLog.join('\n')).toMatch(/encoder stopped unexpectedly: killed \(SIGKILL\)/);
  }, 90_000);
});
