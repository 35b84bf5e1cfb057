// A real RTSP server for integration tests (test/support/rtspServer.py, GStreamer's
// gst-rtsp-server under Debian's python3): serves a solid-colour H.264 picture and a
// 1 kHz tone in G.711 on rtsp://127.0.0.1:PORT/cam. It can be killed and started
// again on the same port, as a camera that reboots. Every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from './childProcess';
import { freePort } from './nginxRtmp';

// Debian's interpreter, which has the GObject bindings; a python3 earlier on PATH may not.
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./rtspServer.py', import.meta.url));

export class RtspServer {
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly colourHex: string,
    private readonly gopFrames: number,
  ) {}

  /** Starts on a free port; the caller must stop() it. */
  static async start(colour: string, gopFrames: number): Promise<RtspServer> {
    const server = new RtspServer(await freePort(), colour.replace('#', ''), gopFrames);
    try {
      await server.run();
    } catch (err) {
      await server.stop(); // never left running when the caller gets no handle to stop it
      throw err;
    }
    return server;
  }

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/cam`;
  }

  /** (Re)starts the server process on its port and waits until it listens. */
  async run(timeoutMs = 10_000): Promise<void> {
    const child = spawn(PYTHON, [SCRIPT, String(this.port), this.colourHex, String(this.gopFrames)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`RTSP server not ready in ${timeoutMs} ms: ${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        this.output = (this.output + chunk.toString('utf8')).slice(-4000);
        if (this.output.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`RTSP server exited (${signal ?? code}): ${this.output}`));
      });
    });
  }

  /** SIGKILL, as a camera losing power; waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) await stopChild(child);
  }
}
