import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScriptMarkers, type Rundown } from '../../../shared/rundown';
import { demoShow } from '../../studio/demoShow';
import { exportRundown, importRundownFile, importRundownText } from './rundownImport';

const DEMO = join(__dirname, '..', '..', '..', '..', 'resources', 'demo');
const show = demoShow('/tmp/recordings');
const knownInputs = [...show.sources.map((s) => s.id), ...show.scenes.map((s) => s.id)];

let cache: string;
beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'cuecast-demo-images-'));
});
afterAll(async () => {
  await rm(cache, { recursive: true, force: true });
});

describe('the demo show rundown', () => {
  let rundown: Rundown;

  it('imports against the demo show, its images decoding', async () => {
    const result = await importRundownFile(join(DEMO, 'rundown.json'), { knownInputs, imageCacheDir: cache });
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toEqual([]);
    if (!result.ok) return;
    rundown = result.rundown;
    expect(result.images!.size).toBe(8);
  });

  it('is a jewelry show in euros: 6–8 segments, a promo or two, markers in every script', () => {
    expect(rundown.segments.length).toBeGreaterThanOrEqual(6);
    expect(rundown.segments.length).toBeLessThanOrEqual(8);
    expect(new Set(rundown.segments.map((s) => s.currency))).toEqual(new Set(['EUR']));
    const promos = rundown.segments.filter((s) => s.promoPrice !== undefined);
    expect(promos.length).toBeGreaterThanOrEqual(1);
    expect(promos.length).toBeLessThanOrEqual(2);
    // The close-up layout, the showroom, the farm and the workshop all get a segment.
    expect(new Set(rundown.segments.map((s) => s.input))).toEqual(new Set(['scn-4', 'src-1', 'src-2', 'src-3']));
    for (const s of rundown.segments) {
      expect(parseScriptMarkers(s.script).markers.length, s.id).toBeGreaterThanOrEqual(3);
      expect(s.script.split('\n\n').length, s.id).toBeGreaterThanOrEqual(3);
      expect(s.sellingPoints.length, s.id).toBeGreaterThanOrEqual(3);
    }
  });

  it('survives a CSV round trip', async () => {
    const back = await importRundownText(exportRundown(rundown, 'csv'), 'csv', { title: rundown.title, knownInputs });
    expect(back.ok && back.rundown).toEqual(rundown);
  });

  it('ships small JPEGs, every one used', async () => {
    const files = (await readdir(join(DEMO, 'images'))).sort();
    const used = new Set(rundown.segments.flatMap((s) => s.images.map((i) => i.replace(/^images\//, ''))));
    expect(files).toEqual([...used].sort());
    for (const f of files) {
      const path = join(DEMO, 'images', f);
      expect((await stat(path)).size, f).toBeLessThanOrEqual(60 * 1024);
      expect(await sharp(path).metadata(), f).toMatchObject({ format: 'jpeg', width: 640, height: 640 });
    }
  });
});
