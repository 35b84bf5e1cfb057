import { describe, expect, it } from 'vitest';
import { FfmpegOutputParser, firstErrorReason } from './ffmpegOutput';

describe('FfmpegOutputParser', () => {
  it('turns progress blocks split across chunks into one typed event', () => {
    const p = new FfmpegOutputParser();
    const a = p.push('frame=120\nfps=29.97\nstream_0_0_q=23.0\nbitrate=2501.3kbits/s\ntotal_size=1');
    expect(a).toEqual([]);
    const b = p.push('25000\nout_time_us=4000000\ndup_frames=0\ndrop_frames=2\nspeed=1.01x\nprogress=continue\n');
    expect(b).toEqual([
      { type: 'progress', frame: 120, fps: 29.97, speed: 1.01, bitrateKbps: 2501.3, outTimeMs: 4000, dropFrames: 2, dupFrames: 0, state: 'continue' },
    ]);
  });

  it('separates log lines and finds the first real reason', () => {
    const p = new FfmpegOutputParser();
    const events = p.push('[tcp @ 0x55d0c8] Connection to tcp://127.0.0.1:1 failed: Connection refused\nrtmp://127.0.0.1:1/x: Connection refused\nfps=N/A\nprogress=end\n');
    expect(events[0]).toMatchObject({ type: 'log', level: 'error' });
    expect(events[2]).toMatchObject({ type: 'progress', fps: null, state: 'end' });
    expect(firstErrorReason(events.filter((e) => e.type === 'log').map((e) => (e as { text: string }).text))).toBe(
      'Connection to tcp://127.0.0.1:1 failed: Connection refused',
    );
  });
});
