// The simple (unsigned) RTMP handshake, client side (RTMP spec §5.2): send C0+C1,
// read S0+S1, echo S1 as C2, read S2. nginx-rtmp, SRS, node-media-server and
// ffmpeg's listener all accept it (specs/flv-rtmp-sei.md "RTMP publish").
import { randomBytes } from 'node:crypto';
import { RtmpError } from './rtmpMessages';

const VERSION = 3; // §5.2.2 C0/S0: RTMP version 3.
const PACKET = 1536; // §5.2.3 C1/S1/C2/S2 size.

export interface HandshakeStep {
  /** Bytes to send now (C2), if any. */
  readonly reply?: Buffer;
  readonly done: boolean;
  /** Bytes after S2: the first chunks of the session. */
  readonly rest?: Buffer;
}

export class ClientHandshake {
  private buf: Buffer = Buffer.alloc(0);
  private phase: 'S0S1' | 'S2' | 'done' = 'S0S1';

  /** C0 + C1: u32 time, u32 zero, 1528 random bytes (§5.2.3). */
  start(epochMs = 0): Buffer {
    const c0c1 = Buffer.alloc(1 + PACKET);
    c0c1[0] = VERSION;
    c0c1.writeUInt32BE(epochMs >>> 0, 1);
    randomBytes(PACKET - 8).copy(c0c1, 9);
    return c0c1;
  }

  push(data: Buffer): HandshakeStep {
    if (this.phase === 'done') throw new Error('handshake already complete');
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    let reply: Buffer | undefined;
    if (this.phase === 'S0S1') {
      if (this.buf.length >= 1 && this.buf[0] !== VERSION) {
        const hint = this.buf.subarray(0, 4).toString('latin1') === 'HTTP' ? ': it answered HTTP' : '';
        throw new RtmpError('protocol', `not an RTMP server (version byte 0x${this.buf[0]!.toString(16)}${hint})`);
      }
      if (this.buf.length < 1 + PACKET) return { done: false };
      reply = Buffer.from(this.buf.subarray(1, 1 + PACKET));
      this.buf = this.buf.subarray(1 + PACKET);
      this.phase = 'S2';
    }
    if (this.buf.length < PACKET) return { reply, done: false };
    const rest = this.buf.subarray(PACKET);
    this.buf = Buffer.alloc(0);
    this.phase = 'done';
    return { reply, done: true, rest };
  }
}
