import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rundownSegmentSchema, type Rundown, type RundownSegment } from '../../../shared/rundown';
import { RundownError, RundownState } from './rundownState';

const seg = (id: string, extra: Partial<RundownSegment> = {}): RundownSegment =>
  rundownSegmentSchema.parse({ id, sku: `SKU-${id}`, title: `Title ${id}`, price: 10, currency: 'EUR', stock: 5, input: 'src-1', targetDurationSec: 60, ...extra });
const rundown = (...ids: string[]): Rundown => ({ version: 1, title: 'Show', segments: ids.map((id) => seg(id)) });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('RundownState', () => {
  it('cues the first segment, and after a take the one that follows', () => {
    const s = new RundownState(rundown('a', 'b', 'c'), '/tmp', null);
    expect(s.nextId).toBe('a');
    expect(s.took(s.resolveTake(undefined), 10, 1000, null)).toBeNull();
    expect(s.onAir?.segment.id).toBe('a');
    expect(s.nextId).toBe('b');
    s.cue('c');
    const previous = s.took(s.resolveTake(undefined), 40, 2000, null);
    expect(previous?.segment.id).toBe('a');
    expect(s.onAir).toMatchObject({ takenOnFrame: 40, takenAtMs: 2000 });
    expect(s.nextId).toBeNull();
    expect(() => s.resolveTake(undefined)).toThrow(/nothing left to take/);
    expect(s.previousOfOnAir().id).toBe('b');
  });

  it('edits, reorders and removes live, refusing what would break the show', () => {
    const s = new RundownState(rundown('a', 'b', 'c'), '/tmp', null);
    const r0 = s.revision;
    s.took(s.segment('b'), 5, 0, null);
    s.move('c', 0);
    expect(s.rundown.segments.map((x) => x.id)).toEqual(['c', 'a', 'b']);
    s.update(seg('b', { title: 'New title' }));
    expect(s.onAir?.segment.title).toBe('New title');
    expect(() => s.remove('b')).toThrow(/on air/);
    expect(() => s.add(seg('d', { sku: 'sku-a' }))).toThrow(/share the sku/);
    expect(() => s.update(seg('zz'))).toThrow(RundownError);
    s.remove('a');
    expect(s.rundown.segments.map((x) => x.id)).toEqual(['c', 'b']);
    expect(s.revision).toBeGreaterThan(r0 + 2);
  });

  it('keeps the on-air segment through an import that still has it, and persists atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cuecast-rundown-'));
    dirs.push(dir);
    const file = join(dir, 'rundown.json');
    const s = new RundownState(rundown('a', 'b'), dir, file);
    s.took(s.segment('b'), 5, 0, null);
    s.replace(rundown('x', 'b', 'y'), dir);
    expect(s.onAir?.segment.id).toBe('b');
    expect(s.nextId).toBe('y');
    expect(JSON.parse(readFileSync(file, 'utf8')).segments.map((x: { id: string }) => x.id)).toEqual(['x', 'b', 'y']);
    expect(RundownState.load(file).rundown?.segments).toHaveLength(3);
    s.replace(rundown('p'), dir);
    expect(s.onAir).toBeNull();
  });

  it('starts a flash sale only on an on-air segment with a promo price', () => {
    const s = new RundownState({ version: 1, title: 'S', segments: [seg('a'), seg('b', { promoPrice: 8 })] }, '/tmp', null);
    expect(() => s.setPromoEnd(1)).toThrow(/Nothing is on air/);
    s.took(s.segment('a'), 1, 0, null);
    expect(() => s.setPromoEnd(1)).toThrow(/no promo price/);
    s.took(s.segment('b'), 2, 0, null);
    s.setPromoEnd(99);
    expect(s.onAir?.promoEndsAtMs).toBe(99);
  });
});
