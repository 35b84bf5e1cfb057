// srt-live-transmit (Debian's srt-tools) as a real SRT relay for integration tests:
// it listens for a publisher on one port and for a reader on another, and can be
// killed (as a crashed relay or a cut link) and run again on the same ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { stopChild } from './childProcess';

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export class SrtRelay {
  private child: ChildProcess | null = null;
  /** The relay's last 4,000 characters of output. */
  log = '';
  private constructor(
    readonly inPort: number,
    readonly outPort: number,
  ) {}

  /** Starts a relay on two free UDP ports; the caller must kill() it. */
  static async start(): Promise<SrtRelay> {
    const inPort = await freeUdpPort();
    let outPort = await freeUdpPort();
    while (outPort === inPort) outPort = await freeUdpPort();
    const relay = new SrtRelay(inPort, outPort);
    relay.run();
    await new Promise((r) => setTimeout(r, 300)); // let it bind both listeners
    return relay;
  }

  /** Where a publisher sends (SRT caller). */
  get publisherUrl(): string {
    return `srt://127.0.0.1:${this.inPort}?mode=caller&latency=120000`;
  }

  /** Where a reader calls. */
  get readerUrl(): string {
    return `srt://127.0.0.1:${this.outPort}?mode=caller&latency=120000`;
  }

  run(): void {
    const child = spawn('srt-live-transmit', [
      `srt://127.0.0.1:${this.inPort}?mode=listener&latency=120`,
      `srt://127.0.0.1:${this.outPort}?mode=listener&latency=120`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer): void => void (this.log = (this.log + chunk.toString('utf8')).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  /** SIGKILL, as a crashed relay or a cut link: no SRT shutdown reaches either side. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) await stopChild(child);
  }
}
