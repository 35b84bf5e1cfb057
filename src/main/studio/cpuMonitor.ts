// CPU of the whole studio: this process plus every ffmpeg it runs, as percent of
// one core. On Linux children are read from /proc/<pid>/stat (utime + stime);
// elsewhere only this process is counted (the health strip says "studio CPU").
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SEC = 100; // USER_HZ on every Linux ABI Node runs on.

export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
  } catch {
    return null;
  }
}

export class CpuMonitor {
  private last = new Map<number, number>();
  private lastSelf = process.cpuUsage();
  private lastAt = performance.now();
  private percent = 0;

  /** Sample now; returns percent of one core since the previous sample. */
  sample(childPids: readonly number[]): number {
    const now = performance.now();
    const elapsed = (now - this.lastAt) / 1000;
    if (elapsed < 0.2) return this.percent;
    const self = process.cpuUsage(this.lastSelf);
    let seconds = (self.user + self.system) / 1e6;
    const next = new Map<number, number>();
    for (const pid of childPids) {
      const s = processCpuSeconds(pid);
      if (s === null) continue;
      next.set(pid, s);
      const before = this.last.get(pid);
      if (before !== undefined) seconds += s - before;
    }
    this.last = next;
    this.lastSelf = process.cpuUsage();
    this.lastAt = now;
    this.percent = Math.round((seconds / elapsed) * 1000) / 10;
    return this.percent;
  }
}
