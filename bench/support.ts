// Shared pieces of the benchmark: a studio configured for a scenario, CPU accounting
// of process trees from /proc, and small statistics.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CanvasSettings } from '../src/shared/model';
import { createMemoryLogger } from '../src/main/engine/logger';
import { processCpuSeconds } from '../src/main/studio/cpuMonitor';
import { createStudio } from '../src/main/studio/createStudio';
import type { ShowConfig } from '../src/main/studio/showStore';
import type { Studio } from '../src/main/studio/studio';
import { isAlive, processTree } from '../test/support/processTree';

export { isAlive, processTree };

export const CAMERA_COLOURS = ['#2e6bd8', '#2f9e44', '#e8590c'] as const;
export const CAMERA_NAMES = ['Showroom', 'Farm', 'Factory'] as const;

export function benchShow(canvas: CanvasSettings, extraSources: ShowConfig['sources'] = [], bitrateKbps = 2500): ShowConfig {
  return {
    version: 1,
    canvas,
    encoder: { videoBitrateKbps: bitrateKbps, audioBitrateKbps: 128, keyframeIntervalSec: 2, x264Preset: 'ultrafast' },
    transition: { kind: 'mix', durationMs: 300, dipColor: '#000000' },
    sources: [
      ...CAMERA_NAMES.map((name, i) => ({ id: `src-${i + 1}`, spec: { kind: 'testPattern' as const, name, color: CAMERA_COLOURS[i], toneHz: 440 + 110 * i } })),
      ...extraSources,
    ],
    scenes: [],
    outputs: [],
    program: 'src-1',
    preview: 'src-2',
    nextId: 100,
  };
}

export async function benchStudio(show: ShowConfig): Promise<{ studio: Studio; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cuecast-bench-'));
  const studio = await createStudio({ dataDir, show, rehearsal: false, logger: createMemoryLogger(), probeEncodersAtStart: false });
  return { studio, dataDir };
}

/** The pid and all its descendants, from /proc (Linux). */
/** CPU of a process tree over `seconds`, as percent of one core. */
export async function measureTreeCpu(root: number, seconds: number): Promise<number> {
  return (await measureTreeCpuByProcess(root, seconds)).reduce((sum, p) => sum + p.percent, 0);
}

export interface ProcessCpu {
  readonly pid: number;
  /** The command line, arguments joined by spaces. */
  readonly command: string;
  /** Percent of one core over the window. */
  readonly percent: number;
}

/** Like measureTreeCpu, per process (processes that ended during the window are left out). */
export async function measureTreeCpuByProcess(root: number, seconds: number): Promise<ProcessCpu[]> {
  const snapshot = () => {
    const m = new Map<number, number>();
    for (const pid of processTree(root)) {
      const s = processCpuSeconds(pid);
      if (s !== null) m.set(pid, s);
    }
    return m;
  };
  const before = snapshot();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = snapshot();
  const elapsed = (performance.now() - t0) / 1000;
  const out: ProcessCpu[] = [];
  for (const [pid, s] of after) {
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue;
    }
    out.push({ pid, command, percent: ((s - (before.get(pid) ?? 0)) / elapsed) * 100 });
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return performance.now() - t0;
}

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
