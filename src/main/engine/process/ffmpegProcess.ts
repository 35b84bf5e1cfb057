// One ffmpeg child = one supervisor object (STYLE.md rule 6). It starts once, stops
// politely then firmly (`q` → SIGTERM → SIGKILL, each with a deadline, because a
// stalled ffmpeg may ignore the first SIGTERM: specs/ingest-facts.md), and reports
// typed state, progress and exit. Restart policy lives in RestartPolicy, not here.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../logger';
import { redactUrls } from '../redact';
import { settlesWithin } from '../settlesWithin';
import { cleanLogLine, FfmpegOutputParser, firstErrorReason, type FfmpegLogLine, type FfmpegProgress } from './ffmpegOutput';

export type ProcessState = 'idle' | 'running' | 'stopping' | 'exited';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when we asked it to stop. */
  readonly requested: boolean;
  /** The first error line ffmpeg printed, for the operator. */
  readonly reason: string | null;
}

export interface FfmpegProcessOptions {
  /** "source Farm", "encoder": prefixes every log line with the pid. */
  readonly role: string;
  readonly ffmpegPath: string;
  readonly args: readonly string[];
  readonly logger: Logger;
  /** Number of extra pipes after stderr (fd 3, 4, ...). */
  readonly extraPipes?: number;
  /** stdin carries media (an encoder's raw frames): stop by closing it, not with `q`. */
  readonly stdinIsMedia?: boolean;
  /**
   * The owner logs unrequested exits itself, because some are routine for it (the
   * rehearsal ingest's listener ends with an error when a publisher leaves early).
   */
  readonly ownerLogsExit?: boolean;
}

type Listener<T> = (value: T) => void;

// On Linux, setpriv makes the kernel SIGKILL the child when the studio dies, even by
// SIGKILL: no orphaned ffmpeg (issue: "no orphans ... after SIGKILL of main").
const SETPRIV = process.platform === 'linux' && existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : null;
// Each ffmpeg in a process group of its own (POSIX), so a terminal's Ctrl-C, which
// signals the whole foreground group, reaches only the studio: it then stops outputs,
// encoder and sources in order. Sharing the group, every ffmpeg quit at the same
// moment, the sources logged failures and began to reconnect. Not on Windows: there a
// detached child would get a console of its own, so its ffmpegs stay as they were.
const OWN_PROCESS_GROUP = process.platform !== 'win32';

export class FfmpegProcess {
  private child: ChildProcess | null = null;
  private stateValue: ProcessState = 'idle';
  private stopRequested = false;
  private readonly recentErrors: string[] = [];
  private readonly parser = new FfmpegOutputParser();
  private readonly stateListeners = new Set<Listener<ProcessState>>();
  private readonly progressListeners = new Set<Listener<FfmpegProgress>>();
  private readonly logListeners = new Set<Listener<FfmpegLogLine>>();
  private readonly exitListeners = new Set<Listener<ProcessExit>>();
  private exitPromise: Promise<ProcessExit> | null = null;
  private log: Logger;

  constructor(private readonly options: FfmpegProcessOptions) {
    this.log = options.logger.child(options.role);
  }

  get state(): ProcessState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get stdin(): Writable {
    return this.requireChild().stdin as Writable;
  }

  get stdout(): Readable {
    return this.requireChild().stdout as Readable;
  }

  /** fd 3, 4, ... as streams (readable or writable as ffmpeg uses them). */
  pipe(fd: number): Readable & Writable {
    const stream = this.requireChild().stdio[fd];
    if (!stream) throw new Error(`${this.options.role}: no pipe on fd ${fd}`);
    return stream as unknown as Readable & Writable;
  }

  onState(cb: Listener<ProcessState>): () => void {
    return subscribe(this.stateListeners, cb);
  }
  onProgress(cb: Listener<FfmpegProgress>): () => void {
    return subscribe(this.progressListeners, cb);
  }
  onLog(cb: Listener<FfmpegLogLine>): () => void {
    return subscribe(this.logListeners, cb);
  }
  onExit(cb: Listener<ProcessExit>): () => void {
    return subscribe(this.exitListeners, cb);
  }

  start(): void {
    if (this.stateValue !== 'idle') throw new Error(`${this.options.role}: start() called twice`);
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-nostats', '-progress', 'pipe:2', ...this.options.args];
    if (!this.options.stdinIsMedia) args.splice(args.indexOf('-nostdin'), 1);
    const extra = Array.from({ length: this.options.extraPipes ?? 0 }, () => 'pipe' as const);
    const [command, argv] = SETPRIV
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', this.options.ffmpegPath, ...args]]
      : [this.options.ffmpegPath, args];
    const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe', ...extra], windowsHide: true, detached: OWN_PROCESS_GROUP });
    this.child = child;
    this.log = this.options.logger.child(`${this.options.role} pid ${child.pid ?? '?'}`);
    this.setState('running');

    // A child that dies makes its pipes error with EPIPE; the exit event reports it.
    for (const stream of child.stdio) stream?.on('error', () => undefined);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.onStderr(chunk));

    this.exitPromise = new Promise((resolve) => {
      child.once('error', (err) => {
        this.recentErrors.push(`cannot run ffmpeg (${this.options.ffmpegPath}): ${err.message}`);
      });
      child.once('close', (code, signal) => {
        const exit: ProcessExit = {
          code,
          signal,
          requested: this.stopRequested,
          // ffmpeg names its input URL in errors; keys and passphrases live there.
          reason: (() => {
            const r = firstErrorReason(this.recentErrors);
            return r === null ? null : redactUrls(r);
          })(),
        };
        if (!exit.requested && code !== 0 && !this.options.ownerLogsExit) this.log.warn(`exited code=${code} signal=${signal}: ${exit.reason ?? 'no reason printed'}`);
        this.setState('exited');
        for (const cb of this.exitListeners) cb(exit);
        resolve(exit);
      });
    });
  }

  /** Ask politely, then insist. Resolves when the process is gone. */
  async stop(options: { graceMs?: number } = {}): Promise<ProcessExit | null> {
    const child = this.child;
    if (!child || !this.exitPromise) return null;
    if (this.stateValue === 'exited') return this.exitPromise;
    const grace = options.graceMs ?? 1500;
    this.stopRequested = true;
    this.setState('stopping');
    try {
      if (this.options.stdinIsMedia) {
        // Every media input must reach end of file (stdin and extra input pipes such
        // as the encoder's PCM on fd 3) or ffmpeg keeps waiting for the others.
        for (const stream of child.stdio.slice(3)) (stream as { end?: () => void } | null)?.end?.();
        child.stdin?.end();
      } else child.stdin?.write('q');
    } catch {
      // stdin already closed: go on to signals.
    }
    const exit = this.exitPromise;
    if (await settlesWithin(exit, grace)) return exit;
    child.kill('SIGTERM');
    if (await settlesWithin(exit, grace)) return exit;
    this.log.warn('did not stop after SIGTERM; killing');
    child.kill('SIGKILL');
    return exit;
  }

  /** Immediate kill, for a process that is known to be wedged. */
  kill(): void {
    this.stopRequested = true;
    this.child?.kill('SIGKILL');
  }

  private onStderr(chunk: string): void {
    for (const event of this.parser.push(chunk)) {
      if (event.type === 'progress') {
        for (const cb of this.progressListeners) cb(event);
      } else {
        if (event.level === 'error') {
          this.recentErrors.push(cleanLogLine(event.text));
          if (this.recentErrors.length > 20) this.recentErrors.shift();
        }
        for (const cb of this.logListeners) cb(event);
      }
    }
  }

  private setState(state: ProcessState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    for (const cb of this.stateListeners) cb(state);
  }

  private requireChild(): ChildProcess {
    if (!this.child) throw new Error(`${this.options.role}: not started`);
    return this.child;
  }
}

function subscribe<T>(set: Set<Listener<T>>, cb: Listener<T>): () => void {
  set.add(cb);
  return () => set.delete(cb);
}
