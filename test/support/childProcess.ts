// Ending a process a test started, by its handle (never by name): the signal, SIGKILL
// if it is still there after 3 s, and a wait for its exit so nothing outlives the test.
import type { ChildProcess } from 'node:child_process';

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}
