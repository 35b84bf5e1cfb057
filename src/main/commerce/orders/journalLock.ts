// One order desk per journal: two appending to one file would each keep their own
// dedupe set and count an order twice. The lock file holds the owner's pid; a lock
// left by a process that no longer exists (the desk was killed) is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Locks held by this process: a lock file with our own pid is ours only if listed
// here (in a container a restarted studio often gets the pid of the killed one).
const held = new Set<string>();

/** Takes the lock at `path` or throws naming the process that holds it. Returns the release. */
export function lockJournal(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      held.add(path);
      return () => {
        held.delete(path);
        rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      const ours = owner === process.pid;
      if ((ours && held.has(path)) || (!ours && Number.isInteger(owner) && owner > 0 && alive(owner))) {
        throw new Error(`the order journal is in use by process ${owner} (${path})`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock the order journal (${path})`);
}
