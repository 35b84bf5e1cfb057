// The rundown through the Studio's requests (issue 5 figure 4 and "Take"): a file
// with bad rows is refused whole with line-numbered reasons and changes nothing;
// takes, cues, edits and refusals behave as the control room expects.
import { afterEach, describe, expect, it } from 'vitest';
import type { RundownInfo } from '../../shared/commerceModel';
import type { CommerceMetadata } from '../../shared/commerceMetadata';
import type { EncodedFrame } from '../engine/media/packets';
import { benchShow, benchStudio } from '../../../bench/support';
import { waitUntil } from '../../../test/support/nginxRtmp';
import type { Studio } from './studio';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function studio(): Promise<Studio> {
  const made = await benchStudio(benchShow({ width: 640, height: 360, fps: 30 }));
  cleanups.push(() => made.studio.dispose());
  return made.studio;
}

const refusal = (p: Promise<unknown>): Promise<{ code: string; message: string }> =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: { code: string; message: string }) => err,
  );

const GOOD = [
  'id,sku,title,price,promoPrice,currency,stock,input,targetDurationSec,images,sellingPoints,script',
  'ring,SKU-1,Gold ring,100,,EUR,5,src-1,60,,,Hello [[price]] now',
  'chain,SKU-2,Gold chain,200,150,EUR,5,src-2,60,,,"Line one,',
  'line two"',
  'band,SKU-3,Band,300,,EUR,5,src-3,60,,,Band script',
].join('\n');

describe('rundown requests', () => {
  it('refuses a CSV with bad rows whole, naming each line, and keeps the rundown as it was', async () => {
    const s = await studio();
    await s.request('rundown:import', { format: 'csv', text: GOOD });
    const before: RundownInfo = s.snapshot().commerce.rundown;
    const bad = [
      GOOD,
      'bad-1,SKU-4,Price with comma,"12,50",,EUR,5,src-1,60,,,',
      'bad-2,SKU-5,Unknown camera,100,,EUR,5,src-9,60,,,',
      'ring,SKU-6,Same id as line 2,100,,EUR,5,src-1,60,,,',
    ].join('\n');
    const err = await refusal(s.request('rundown:import', { format: 'csv', text: bad }));
    expect(err.code).toBe('badRequest');
    const lines = err.message.split('\n');
    expect(lines[0]).toMatch(/^Rundown not imported: \d+ problems$/);
    // Line numbers as a spreadsheet shows them: the two-line script cell is one row.
    expect(lines).toContain('line 5 (text line 6): price "12,50" is not a number (use a dot for decimals: 12.50)');
    expect(lines.some((l) => l.startsWith('line 6 (text line 7): input "src-9" is not a camera or layout'))).toBe(true);
    expect(lines.some((l) => l.startsWith('line 7 (text line 8): duplicate id "ring"'))).toBe(true);
    const after = s.snapshot().commerce.rundown;
    expect(after.revision).toBe(before.revision);
    expect(after.segments).toEqual(before.segments);
  }, 60_000);

  it('takes, cues and takes back, ending the previous explaining on the frame of the next', async () => {
    const s = await studio();
    await s.request('rundown:import', { format: 'csv', text: GOOD });
    const sent: { frame: number; messages: readonly CommerceMetadata[] }[] = [];
    let coded = 0;
    s.metadata.addSink({
      onConfig: () => undefined,
      onFrame: (f: EncodedFrame) => {
        if (f.type !== 'video') return;
        coded++;
        if (f.metadata) sent.push({ frame: f.frame, messages: f.metadata });
      },
    });
    // The encoder takes frames only once it runs: before that a change goes out on a later frame.
    await waitUntil(() => s.snapshot().sources.every((x) => x.state === 'live') && coded > 30, 20_000, 'cameras live and the encoder coding');
    const first = (await s.request('rundown:take', {})) as { frame: number; segmentId: string };
    expect(first.segmentId).toBe('ring');
    expect(s.snapshot().switcher.program).toBe('src-1');
    // Takes an operator makes, not two inside one frame interval (those share a frame).
    await new Promise((r) => setTimeout(r, 100));
    await s.request('rundown:cue', { id: 'band' });
    const second = (await s.request('rundown:take', {})) as { frame: number; segmentId: string };
    expect(second.segmentId).toBe('band');
    expect(s.snapshot().commerce.rundown).toMatchObject({ onAir: { id: 'band', takenOnFrame: second.frame }, nextId: null });
    await new Promise((r) => setTimeout(r, 100));
    const back = (await s.request('rundown:takePrevious', {})) as { segmentId: string };
    expect(back.segmentId).toBe('chain');
    await waitUntil(() => sent.some((x) => x.messages.some((m) => m.segment === 'chain')), 10_000, 'the last take to leave the mux stage');
    const atSecond = sent.find((x) => x.frame === second.frame)!.messages.map((m) => `${m.kind}:${m.explaining ?? ''}:${m.segment}`);
    expect(atSecond).toEqual(['explaining:ended:ring', 'product::band', 'explaining:started:band', 'state::band']);
    const end = (await s.request('rundown:end', {})) as { frame: number };
    expect(end.frame).toBeGreaterThan(second.frame);
    expect(s.snapshot().commerce.rundown.onAir).toBeNull();
  }, 60_000);

  it('refuses what cannot be done, saying why, and changes nothing', async () => {
    const s = await studio();
    await s.request('rundown:import', { format: 'csv', text: GOOD });
    const program = s.snapshot().switcher.program;
    expect((await refusal(s.request('rundown:take', { id: 'nope' }))).message).toMatch(/No segment "nope"/);
    expect((await refusal(s.request('rundown:end', {}))).message).toMatch(/Nothing is on air/);
    expect((await refusal(s.request('rundown:flashSale', { seconds: 60 }))).message).toMatch(/Nothing is on air/);
    const bad = { id: 'ring', sku: 'SKU-1', title: 'Gold ring', price: 100, currency: 'EUR', stock: 5, input: 'src-42', targetDurationSec: 60 };
    expect((await refusal(s.request('rundown:updateSegment', { segment: bad }))).message).toMatch(/input "src-42" is not a camera or layout/);
    expect((await refusal(s.request('rundown:updateSegment', { segment: { ...bad, input: 'src-1', promoPrice: 150 } }))).message).toMatch(/promoPrice must be lower than price/);
    expect(s.snapshot().switcher.program).toBe(program);
    expect(s.snapshot().commerce.rundown.onAir).toBeNull();
  }, 60_000);
});
