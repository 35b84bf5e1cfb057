// Plays an RTMP(S) stream as a platform's player would: handshake, connect,
// createStream, play, then audio, video and data messages as the server relays them.
// Two users: the metadata probe (`cuecast probe`, studio/probe) and a network feed's
// first look at what it carries (sources/feedAudioPeek.ts). Its own code (RTMP spec
// 1.0 §5, §7.2.2; specs/flv-rtmp-sei.md "RTMP publish"): a verifier that shared the
// publisher's path would repeat its mistakes.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { readAllAmf0, writeAmf0, type Amf0Arg, type Amf0Value } from './amf0Codec';
import { PlayError } from './playError';
import { RtmpChunkParser, type RtmpInMessage } from './rtmpChunkParser';

export interface RtmpPlayTarget {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly app: string;
  /** Stream name with its query, as `play` takes it. Never printed: it is the stream key. */
  readonly stream: string;
  readonly tcUrl: string;
  /** The URL with the stream name masked, for messages. */
  readonly shown: string;
}

/** rtmp[s]://host[:port]/app/stream[?query]: the first path segment is the app. */
export function parseRtmpPlayUrl(url: string): RtmpPlayTarget {
  const m = /^(rtmps?):\/\/([^/?#]+)\/([^/?#]+)\/([^#]+)$/i.exec(url);
  if (!m) throw new PlayError('an RTMP URL to play needs an app and a stream name: rtmp://host[:port]/app/stream');
  const secure = m[1]!.toLowerCase() === 'rtmps';
  const authority = m[2]!.slice(m[2]!.lastIndexOf('@') + 1);
  const hostPort = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!hostPort) throw new PlayError(`bad host in RTMP URL: "${authority}"`);
  const host = hostPort[1]!.replace(/^\[|\]$/g, '');
  const port = hostPort[2] ? Number(hostPort[2]) : secure ? 443 : 1935;
  const app = m[3]!;
  const tcUrl = `${m[1]!.toLowerCase()}://${hostPort[1]}:${port}/${app}`;
  return { secure, host, port, app, stream: m[4]!, tcUrl, shown: `${tcUrl}/***` };
}

export interface RtmpPlayOptions {
  readonly target: RtmpPlayTarget;
  /** Socket, handshake and the command flow up to NetStream.Play.Start. */
  readonly connectTimeoutMs: number;
  /** Ends the session (resolving, not rejecting). */
  readonly signal: AbortSignal;
  /** RTMPS: check the server's certificate against the system's CAs (default true). */
  readonly verifyCertificate?: boolean;
  /** The server has registered us as a player (NetStream.Play.Start). */
  readonly onPlaying?: () => void;
  /** Audio (8), video (9) and AMF0 data (18) messages, with their timestamps. */
  readonly onMedia: (typeId: number, timestampMs: number, payload: Buffer) => void;
}

// Message types (RTMP spec §5.4, §6.2, §7.1).
const MSG_ACK = 3;
const MSG_USER_CONTROL = 4;
const MSG_WINDOW_ACK_SIZE = 5;
const MSG_DATA_AMF3 = 15;
const MSG_COMMAND_AMF3 = 17;
const MSG_COMMAND_AMF0 = 20;
const MSG_AGGREGATE = 22;
const UC_SET_BUFFER_LENGTH = 3;
const UC_PING_REQUEST = 6;
const UC_PING_RESPONSE = 7;
const HANDSHAKE_BYTES = 1536;
// Chunk streams for what we send: 2 is protocol control (§5.4); 3 commands, 8 play, as ffmpeg.
const CS_CONTROL = 2;
const CS_COMMAND = 3;
const CS_PLAY = 8;
const TX_CONNECT = 1;
const TX_CREATE_STREAM = 2;
/** Status codes after which nothing more comes on this session. */
const END_CODES = new Set(['NetStream.Play.Stop', 'NetStream.Play.Complete', 'NetStream.Play.UnpublishNotify']);

/**
 * Plays until the server ends the stream or `signal` aborts (resolves), or fails
 * (rejects with a PlayError that never contains the stream name).
 */
export function playRtmp(options: RtmpPlayOptions): Promise<void> {
  const { target, signal } = options;
  return new Promise<void>((resolve, reject) => {
    const parser = new RtmpChunkParser();
    let phase: 'socket' | 'handshake' | 'connect' | 'createStream' | 'play' | 'playing' | 'done' = 'socket';
    let pending: Buffer = Buffer.alloc(0);
    let c2Sent = false;
    let received = 0;
    let ackedAt = 0;
    let ackWindow = 0;
    let streamId = 0;
    const where = `${target.host}:${target.port}`;
    if (signal.aborted) return resolve();
    const socket = target.secure
      ? tls.connect({
          host: target.host,
          port: target.port,
          servername: net.isIP(target.host) ? undefined : target.host,
          rejectUnauthorized: options.verifyCertificate ?? true,
        })
      : net.connect({ host: target.host, port: target.port });
    const connectTimer = setTimeout(() => end(new PlayError(`cannot read ${target.shown}: no answer from ${where} within ${options.connectTimeoutMs} ms (stuck at ${phase})`)), options.connectTimeoutMs);
    const onAbort = (): void => end(null);
    signal.addEventListener('abort', onAbort, { once: true });

    function end(err: PlayError | null): void {
      if (phase === 'done') return;
      phase = 'done';
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    }
    const send = (csid: number, typeId: number, msgStreamId: number, payload: Buffer): void => {
      if (phase !== 'done') socket.write(chunked(csid, typeId, msgStreamId, payload));
    };
    const command = (msgStreamId: number, csid: number, ...values: Amf0Arg[]): void => send(csid, MSG_COMMAND_AMF0, msgStreamId, writeAmf0(...values));

    socket.setNoDelay(true);
    socket.once(target.secure ? 'secureConnect' : 'connect', () => {
      phase = 'handshake';
      // C0 (version 3) + C1: time, zero, random (simple handshake, spec "RTMP publish").
      const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE_BYTES - 8)]);
      socket.write(Buffer.concat([Buffer.from([3]), c1]));
    });
    socket.on('data', (data: Buffer) => {
      received += data.length;
      try {
        onBytes(data);
      } catch (err) {
        end(err instanceof PlayError ? err : new PlayError(`cannot read ${target.shown}: ${(err as Error).message}`));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host not found' : err.message;
      end(phase === 'playing' ? null : new PlayError(`cannot read ${target.shown}: ${why}`));
    });
    // A server that ends the session after playing began ends the stream; before, it refused us.
    socket.on('close', () => end(phase === 'playing' ? null : new PlayError(`cannot read ${target.shown}: ${where} closed the connection during ${phase}`)));

    function onBytes(data: Buffer): void {
      let chunks = data;
      if (phase === 'handshake') {
        pending = Buffer.concat([pending, data]);
        // S0 + S1, answered at once with C2 (= S1 echoed), then S2 (§5.2.5).
        if (!c2Sent && pending.length >= 1 + HANDSHAKE_BYTES) {
          if (pending[0] !== 3) throw new PlayError(`cannot read ${target.shown}: the server speaks RTMP version ${pending[0]}`);
          socket.write(pending.subarray(1, 1 + HANDSHAKE_BYTES));
          c2Sent = true;
        }
        if (pending.length < 1 + 2 * HANDSHAKE_BYTES) return;
        chunks = pending.subarray(1 + 2 * HANDSHAKE_BYTES);
        pending = Buffer.alloc(0);
        phase = 'connect';
        command(0, CS_COMMAND, 'connect', TX_CONNECT, {
          app: target.app,
          flashVer: 'LNX 9,0,124,2',
          tcUrl: target.tcUrl,
          fpad: false,
          capabilities: 15,
          audioCodecs: 4071,
          videoCodecs: 252,
          videoFunction: 1,
          objectEncoding: 0,
        });
      }
      if (chunks.length > 0) for (const m of parser.push(chunks)) onMessage(m);
      // §5.4.3: acknowledge each window of bytes received, or a strict server stops sending.
      if (ackWindow > 0 && received - ackedAt >= ackWindow) {
        ackedAt = received;
        send(CS_CONTROL, MSG_ACK, 0, u32(received >>> 0));
      }
    }

    function onMessage(m: RtmpInMessage): void {
      switch (m.typeId) {
        case MSG_WINDOW_ACK_SIZE:
          if (m.payload.length >= 4) ackWindow = m.payload.readUInt32BE(0);
          return;
        case MSG_USER_CONTROL:
          if (m.payload.length >= 6 && m.payload.readUInt16BE(0) === UC_PING_REQUEST) {
            send(CS_CONTROL, MSG_USER_CONTROL, 0, Buffer.concat([u16(UC_PING_RESPONSE), m.payload.subarray(2, 6)]));
          }
          return;
        case MSG_COMMAND_AMF0:
          return onCommand(readAllAmf0(m.payload));
        case MSG_COMMAND_AMF3:
          // AMF3 command messages start with one format byte, then AMF0 (§7.1.1).
          return onCommand(readAllAmf0(m.payload.subarray(1)));
        case 8:
        case 9:
        case 18:
          if (phase === 'playing') options.onMedia(m.typeId, m.timestamp, m.payload);
          return;
        case MSG_DATA_AMF3:
          if (phase === 'playing') options.onMedia(18, m.timestamp, m.payload.subarray(1));
          return;
        case MSG_AGGREGATE:
          if (phase === 'playing') aggregate(m);
          return;
        default:
          return; // chunk size and abort are the parser's; peer bandwidth needs nothing from a player
      }
    }

    /** §7.1.6: FLV-tag-shaped sub-messages; their times are relative to the first one's. */
    function aggregate(m: RtmpInMessage): void {
      const b = m.payload;
      let base: number | null = null;
      for (let p = 0; p + 11 <= b.length; ) {
        const size = b.readUIntBE(p + 1, 3);
        if (p + 11 + size > b.length) break;
        const ts = (b.readUIntBE(p + 4, 3) | (b[p + 7]! << 24)) >>> 0;
        base ??= ts;
        options.onMedia(b[p]! & 0x1f, (m.timestamp + ts - base) >>> 0, b.subarray(p + 11, p + 11 + size));
        p += 11 + size + 4; // and the back pointer
      }
    }

    function onCommand(values: Amf0Value[]): void {
      const [name, txn, , info] = values;
      const status = typeof info === 'object' && info !== null && !Array.isArray(info) && !(info instanceof Date) ? info : {};
      const code = typeof status.code === 'string' ? status.code : '';
      const detail = code || String(name);
      if (name === '_result' && txn === TX_CONNECT) {
        if (code && code !== 'NetConnection.Connect.Success') return end(new PlayError(`cannot read ${target.shown}: the server refused the connection (${detail})`));
        phase = 'createStream';
        command(0, CS_COMMAND, 'createStream', TX_CREATE_STREAM, null);
      } else if (name === '_result' && txn === TX_CREATE_STREAM) {
        streamId = typeof values[3] === 'number' ? values[3] : 1;
        phase = 'play';
        // Start -2: live if there is one, else recorded (RTMP spec §7.2.2.1).
        command(streamId, CS_PLAY, 'play', 0, null, target.stream, -2);
        // Set Buffer Length (§7.1.7), as players send it; some servers wait for it.
        send(CS_CONTROL, MSG_USER_CONTROL, 0, Buffer.concat([u16(UC_SET_BUFFER_LENGTH), u32(streamId), u32(3000)]));
      } else if (name === '_error') {
        end(new PlayError(`cannot read ${target.shown}: the server answered with an error (${detail})`));
      } else if (name === 'onStatus') {
        if (status.level === 'error') return end(new PlayError(`cannot read ${target.shown}: ${detail}`));
        if (code === 'NetStream.Play.Start' && phase === 'play') {
          phase = 'playing';
          clearTimeout(connectTimer);
          options.onPlaying?.();
        } else if (END_CODES.has(code) && phase === 'playing') end(null);
      }
    }
  });
}

/** One message as chunks of the default size 128 (we never change ours): fmt 0, then fmt 3. */
function chunked(csid: number, typeId: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = csid; // fmt 0; our chunk stream ids are all below 64
  header.writeUIntBE(0, 1, 3);
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = typeId;
  header.writeUInt32LE(streamId, 8);
  const parts: Buffer[] = [header];
  for (let off = 0; off < payload.length; off += 128) {
    if (off > 0) parts.push(Buffer.from([0xc0 | csid]));
    parts.push(payload.subarray(off, off + 128));
  }
  return Buffer.concat(parts);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
