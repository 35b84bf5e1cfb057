// The built-in rehearsal ingest: a local RTMP server (ffmpeg in listen mode) that
// accepts the programme exactly as a platform would, decodes it and shows what
// arrived as thumbnails. A new user can press Go Live with no account and see the
// round trip. ffmpeg's listener takes one publisher and exits when it leaves, so the
// ingest re-arms itself after every session. A session that ends before the listener
// has read its stream makes ffmpeg exit with an error: routine here, logged as such.
// A listener that dies at once (its port taken) is a fault: warned, retried with backoff.
import { createServer } from 'node:net';
import type { Logger } from '../logger';
import { FfmpegProcess, type ProcessExit } from '../process/ffmpegProcess';
import { JpegSplitter } from '../sources/jpegSplitter';

export const REHEARSAL_KEY = 'rehearsal';

/** A listener that ends sooner than this after it started never served a session. */
const SHORTEST_SESSION_MS = 1000;
const REARM_MS = 200;
const LONGEST_RETRY_MS = 10_000;

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class RehearsalIngest {
  private process: FfmpegProcess | null = null;
  private preview: Buffer | null = null;
  private disposed = false;
  private rearmTimer: NodeJS.Timeout | null = null;
  private failuresInARow = 0;

  private constructor(
    readonly port: number,
    private readonly ffmpegPath: string,
    private readonly logger: Logger,
  ) {}

  /** Listens on `port`, or on a free loopback port when none is given. */
  static async start(ffmpegPath: string, logger: Logger, port?: number): Promise<RehearsalIngest> {
    const ingest = new RehearsalIngest(port ?? (await freeLoopbackPort()), ffmpegPath, logger.child('rehearsal ingest'));
    ingest.arm();
    return ingest;
  }

  /** Ingest URL without the key, as a user would paste from a platform. */
  get url(): string {
    return `rtmp://127.0.0.1:${this.port}/live`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  latestPreview(): Buffer | null {
    return this.preview;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.rearmTimer) clearTimeout(this.rearmTimer);
    await this.process?.stop({ graceMs: 500 });
  }

  private arm(): void {
    if (this.disposed) return;
    const proc = new FfmpegProcess({
      role: 'rehearsal ingest',
      ffmpegPath: this.ffmpegPath,
      logger: this.logger,
      ownerLogsExit: true,
      args: [
        '-listen', '1', '-analyzeduration', '500000', '-probesize', '500000',
        '-i', `rtmp://127.0.0.1:${this.port}/live/${REHEARSAL_KEY}`,
        '-map', '0:v:0', '-vf', 'fps=10,scale=320:-2', '-c:v', 'mjpeg', '-q:v', '7', '-f', 'image2pipe', 'pipe:1',
      ],
    });
    this.process = proc;
    const startedAt = Date.now();
    proc.start();
    const jpegs = new JpegSplitter();
    proc.stdout.on('data', (chunk: Buffer) => {
      for (const jpeg of jpegs.push(chunk)) this.preview = jpeg;
    });
    proc.onExit((exit) => {
      // The session is over: its last picture must not pass for the next session's
      // (a Go Live whose video never arrived would have shown it as received).
      this.preview = null;
      if (this.disposed) return;
      this.rearmTimer = setTimeout(() => this.arm(), this.nextArmDelay(exit, Date.now() - startedAt));
    });
  }

  private nextArmDelay(exit: ProcessExit, livedMs: number): number {
    if (exit.code === 0 || exit.requested) {
      this.failuresInARow = 0;
      return REARM_MS;
    }
    const reason = exit.reason ?? `exit code ${exit.code ?? exit.signal}`;
    if (livedMs >= SHORTEST_SESSION_MS) {
      this.failuresInARow = 0;
      this.logger.info(`a session ended before its stream could be read (${reason}); listening again`);
      return REARM_MS;
    }
    this.failuresInARow += 1;
    const delay = Math.min(REARM_MS * 2 ** this.failuresInARow, LONGEST_RETRY_MS);
    this.logger.warn(`cannot listen on 127.0.0.1:${this.port}: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    return delay;
  }
}
