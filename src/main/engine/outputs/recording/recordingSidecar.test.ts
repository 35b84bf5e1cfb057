import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommerceMetadata } from '../../../../shared/commerceMetadata';
import { parseSidecar, sidecarPathFor, SidecarWriter, type SidecarHeader } from './recordingSidecar';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const header: SidecarHeader = { type: 'cuecast-recording', v: 1, file: 'show.flv', startedAtWallMs: 1_700_000_000_000, video: { codec: 'h264', width: 1280, height: 720, fps: 30 } };
const message: CommerceMetadata = { v: 1, kind: 'product', product: { id: 'p-1', sku: 'SKU-1', title: 'Tee', price: 19.99, currency: 'EUR' }, wallTimeMs: 1_700_000_000_500, frame: 15 };

describe('recording sidecar', () => {
  it('names the timeline after the recording', () => {
    expect(sidecarPathFor('/rec/cuecast-20250101-120000.flv')).toBe('/rec/cuecast-20250101-120000.metadata.jsonl');
  });

  it('has every line in the file as soon as it is written, before close', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-sidecar-'));
    dirs.push(dir);
    const errors: string[] = [];
    const writer = new SidecarWriter(path.join(dir, 'show.metadata.jsonl'), (m) => errors.push(m));
    writer.writeHeader(header);
    writer.append({ ptsMs: 500, frame: 15, wallTimeMs: 1_700_000_000_510, message });
    // Read back without closing: what a crash at this moment leaves.
    const text = readFileSync(writer.file, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(parseSidecar(text)).toEqual({ header, entries: [{ ptsMs: 500, frame: 15, wallTimeMs: 1_700_000_000_510, message }], skippedLines: 0 });
    await writer.close();
    expect(errors).toEqual([]);
  });

  it('keeps every whole line of a torn file, and skips what does not parse', () => {
    const line = JSON.stringify({ ptsMs: 500, frame: 15, wallTimeMs: 1, message, carried: true });
    const bad = JSON.stringify({ ptsMs: -1, frame: 15, wallTimeMs: 1, message });
    const parsed = parseSidecar([JSON.stringify(header), line, bad, '{"ptsMs":900,"fra'].join('\n'));
    expect(parsed.header).toEqual(header);
    expect(parsed.entries).toEqual([{ ptsMs: 500, frame: 15, wallTimeMs: 1, message, carried: true }]);
    expect(parsed.skippedLines).toBe(2);
  });

  it('reports a file it cannot create once, without throwing', async () => {
    const errors: string[] = [];
    const writer = new SidecarWriter('/nonexistent-cuecast/x.metadata.jsonl', (m) => errors.push(m));
    writer.writeHeader(header);
    writer.append({ ptsMs: 0, frame: 0, wallTimeMs: 0, message });
    await writer.close();
    expect(errors).toEqual(['cannot write the timeline /nonexistent-cuecast/x.metadata.jsonl (ENOENT: no such file or directory, open \'/nonexistent-cuecast/x.metadata.jsonl\')']);
  });
});
