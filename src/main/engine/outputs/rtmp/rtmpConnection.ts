// One RTMP(S) publishing session on one socket: handshake, protocol control,
// the connect → createStream → publish command flow, then media. Reconnecting is
// the publisher's job; a connection lives once. Flow and constants:
// specs/flv-rtmp-sei.md "RTMP publish" (RTMP spec §5.2, §5.4, §7.2).
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../logger';
import { AmfEcmaArray, decodeAmf0, encodeAmf0, type AmfValue } from '../../mux/amf0';
import { ChunkReader } from './chunkReader';
import { ChunkWriter } from './chunkWriter';
import { ClientHandshake } from './handshake';
import {
  controlMessage,
  CSID_COMMAND,
  CSID_DATA,
  MSG_ACKNOWLEDGEMENT,
  MSG_COMMAND_AMF0,
  MSG_SET_CHUNK_SIZE,
  MSG_USER_CONTROL,
  MSG_WINDOW_ACK_SIZE,
  OUR_CHUNK_SIZE,
  RtmpError,
  type RtmpMessage,
  u32Payload,
  UC_PING_REQUEST,
  UC_PING_RESPONSE,
  userControl,
} from './rtmpMessages';
import type { RtmpTarget } from './rtmpUrl';

export interface RtmpConnectionOptions {
  readonly target: RtmpTarget;
  readonly streamKey: string;
  /** Socket, handshake and command flow must finish within this. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Extra trust for RTMPS (a private CA in tests); the system store otherwise. */
  readonly tlsCa?: string | Buffer;
  /** Called as bytes leave for the OS (write callbacks), for the bitrate meter. */
  readonly onWritten?: (bytes: number) => void;
}

// Transaction ids of the publish flow (RTMP spec §7.2.1); publish itself uses 0.
const TX_CONNECT = 1;
const TX_RELEASE = 2;
const TX_FCPUBLISH = 3;
const TX_CREATE_STREAM = 4;

type Phase = 'socket' | 'handshake' | 'connect' | 'createStream' | 'publish' | 'live' | 'closed';

export class RtmpConnection {
  private socket: net.Socket | null = null;
  private readonly handshake = new ClientHandshake();
  private readonly reader = new ChunkReader();
  private readonly writer = new ChunkWriter();
  private phase: Phase = 'socket';
  private streamId = 0;
  private bytesReceived = 0;
  private lastAck = 0;
  private ackWindow = 0;
  private openSettle: { resolve: () => void; reject: (err: RtmpError) => void } | null = null;
  private readonly closeListeners = new Set<(err: RtmpError | null) => void>();
  private closingCleanly = false;
  private readonly where: string;

  constructor(private readonly options: RtmpConnectionOptions) {
    this.where = `${options.target.host}:${options.target.port}`;
  }

  /** Bytes queued in the socket that the OS has not taken yet. */
  get pendingBytes(): number {
    return this.socket?.writableLength ?? 0;
  }

  get isLive(): boolean {
    return this.phase === 'live';
  }

  /** Called once when a live connection ends: null for our own clean close. */
  onClose(cb: (err: RtmpError | null) => void): () => void {
    this.closeListeners.add(cb);
    return () => this.closeListeners.delete(cb);
  }

  /** Connects and publishes; resolves on NetStream.Publish.Start. */
  open(): Promise<void> {
    if (this.phase !== 'socket' || this.socket) return Promise.reject(new Error('RtmpConnection.open() called twice'));
    const { target } = this.options;
    return new Promise<void>((resolve, reject) => {
      this.openSettle = { resolve, reject };
      const timer = setTimeout(() => {
        this.fail(new RtmpError('timeout', `no answer from ${this.where} within ${Number((this.options.timeoutMs / 1000).toFixed(1))} s (stuck at ${this.phase})`));
      }, this.options.timeoutMs);
      const settle = this.openSettle;
      this.openSettle = {
        resolve: () => (clearTimeout(timer), settle.resolve()),
        reject: (err) => (clearTimeout(timer), settle.reject(err)),
      };
      const socket = target.secure
        ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ca: this.options.tlsCa })
        : net.connect({ host: target.host, port: target.port });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.once(target.secure ? 'secureConnect' : 'connect', () => {
        this.phase = 'handshake';
        this.write(this.handshake.start());
      });
      socket.on('data', (data: Buffer) => this.onData(data));
      socket.on('error', (err: NodeJS.ErrnoException) => this.fail(this.socketError(err)));
      socket.on('close', () => this.onSocketClose());
    });
  }

  /** Sends one media or data message on the published stream; returns its wire size. */
  send(chunkStreamId: number, typeId: number, timestamp: number, payload: Buffer): number {
    if (this.phase !== 'live') return 0;
    return this.write(this.writer.write({ chunkStreamId, typeId, timestamp, streamId: this.streamId, payload }));
  }

  /** Unpublishes politely, then closes; resolves when the socket is gone (bounded). */
  async close(graceMs = 1000): Promise<void> {
    const socket = this.socket;
    if (!socket || this.phase === 'closed') return;
    this.closingCleanly = true;
    if (this.phase === 'live' && !socket.destroyed) {
      const key = this.options.streamKey;
      this.command(0, 'FCUnpublish', 5, null, key);
      this.command(0, 'deleteStream', 6, null, this.streamId);
    }
    socket.end();
    await new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, graceMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Drops the socket at once (no unpublish). */
  destroy(): void {
    this.closingCleanly = true;
    this.socket?.destroy();
  }

  private write(data: Buffer): number {
    const socket = this.socket;
    if (!socket || socket.destroyed || !socket.writable) return 0;
    const onWritten = this.options.onWritten;
    socket.write(data, (err) => {
      if (!err) onWritten?.(data.length);
    });
    return data.length;
  }

  private onData(data: Buffer): void {
    this.bytesReceived += data.length;
    try {
      let chunks = data;
      if (this.phase === 'handshake') {
        const step = this.handshake.push(data);
        if (step.reply) this.write(step.reply);
        if (!step.done) return;
        this.afterHandshake();
        chunks = step.rest ?? Buffer.alloc(0);
      }
      if (chunks.length > 0) for (const message of this.reader.push(chunks)) this.onMessage(message);
      this.maybeAcknowledge();
    } catch (err) {
      this.fail(err instanceof RtmpError ? err : new RtmpError('protocol', `bad data from ${this.where}: ${(err as Error).message}`));
    }
  }

  private afterHandshake(): void {
    // Raise our chunk size first (spec advice; fewer headers per video frame).
    this.write(this.writer.write(controlMessage(MSG_SET_CHUNK_SIZE, u32Payload(OUR_CHUNK_SIZE))));
    this.writer.setChunkSize(OUR_CHUNK_SIZE);
    this.phase = 'connect';
    const { target } = this.options;
    this.command(0, 'connect', TX_CONNECT, {
      app: target.app,
      type: 'nonprivate',
      flashVer: 'FMLE/3.0 (compatible; Cuecast)',
      tcUrl: target.tcUrl,
    });
  }

  // §5.4.3: acknowledge each time the bytes received reach the peer's window.
  private maybeAcknowledge(): void {
    if (this.ackWindow > 0 && this.bytesReceived - this.lastAck >= this.ackWindow) {
      this.lastAck = this.bytesReceived;
      this.write(this.writer.write(controlMessage(MSG_ACKNOWLEDGEMENT, u32Payload(this.bytesReceived))));
    }
  }

  private onMessage(message: RtmpMessage): void {
    switch (message.typeId) {
      case MSG_WINDOW_ACK_SIZE:
        if (message.payload.length >= 4) this.ackWindow = message.payload.readUInt32BE(0);
        return;
      case MSG_USER_CONTROL:
        if (message.payload.length >= 6 && message.payload.readUInt16BE(0) === UC_PING_REQUEST) {
          this.write(this.writer.write(userControl(UC_PING_RESPONSE, message.payload.subarray(2, 6))));
        }
        return;
      case MSG_COMMAND_AMF0:
        return this.onCommand(decodeAmf0(message.payload));
      default:
        // Set Chunk Size and Abort are applied by the reader; acks, peer bandwidth
        // and anything else need nothing from a publisher.
        return;
    }
  }

  private onCommand(values: readonly AmfValue[]): void {
    const [name, txn, , ...args] = values;
    const info = asRecord(args[0]);
    const code = typeof info?.code === 'string' ? info.code : '';
    const description = typeof info?.description === 'string' ? info.description : '';
    const detail = `${code || String(name)}${description ? `: ${description}` : ''}`;
    if (name === '_result' && txn === TX_CONNECT) {
      if (code && code !== 'NetConnection.Connect.Success') return this.fail(new RtmpError('rejected', `the ingest refused the connection (${detail})`));
      this.phase = 'createStream';
      const key = this.options.streamKey;
      // Do not wait for these two: some servers never answer (spec "RTMP publish").
      this.command(0, 'releaseStream', TX_RELEASE, null, key);
      this.command(0, 'FCPublish', TX_FCPUBLISH, null, key);
      this.command(0, 'createStream', TX_CREATE_STREAM, null);
    } else if (name === '_result' && txn === TX_CREATE_STREAM) {
      this.streamId = typeof args[0] === 'number' ? args[0] : 1;
      this.phase = 'publish';
      this.command(this.streamId, 'publish', 0, null, this.options.streamKey, 'live');
    } else if (name === '_error') {
      if (txn === TX_RELEASE || txn === TX_FCPUBLISH) return;
      const kind = txn === TX_CONNECT ? 'the ingest refused the connection' : 'the ingest answered with an error';
      this.fail(new RtmpError('rejected', `${kind} (${detail})`));
    } else if (name === 'onStatus') {
      if (code === 'NetStream.Publish.Start') {
        this.phase = 'live';
        this.options.logger.info(`publishing to ${this.where} (${this.options.target.app})`);
        const settle = this.openSettle;
        this.openSettle = null;
        settle?.resolve();
      } else if (info?.level === 'error' || /BadName|Rejected|Failed/.test(code)) {
        const what = code === 'NetStream.Publish.BadName' ? 'the ingest rejected the stream key' : 'the ingest rejected the stream';
        this.fail(new RtmpError('rejected', `${what} (${detail})`));
      }
    }
  }

  private command(streamId: number, name: string, txn: number, ...args: AmfValue[]): void {
    const csid = streamId === 0 ? CSID_COMMAND : CSID_DATA;
    this.write(this.writer.write({ chunkStreamId: csid, typeId: MSG_COMMAND_AMF0, timestamp: 0, streamId, payload: encodeAmf0(name, txn, ...args) }));
  }

  private socketError(err: NodeJS.ErrnoException): RtmpError {
    const code = err.code ?? '';
    const reachable = this.phase !== 'socket';
    const reasons: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ENOTFOUND: 'host not found',
      EAI_AGAIN: 'host not found',
      ETIMEDOUT: 'timed out',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
    };
    if (!reachable && reasons[code]) return new RtmpError('unreachable', `cannot reach ${this.where} (${reasons[code]})`);
    if (this.options.target.secure && (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code))) {
      return new RtmpError('unreachable', `TLS with ${this.where} failed (${err.message})`);
    }
    if (!reachable) return new RtmpError('unreachable', `cannot reach ${this.where} (${err.message})`);
    if (code === 'ECONNRESET' || code === 'EPIPE') return new RtmpError('lost', `the connection to ${this.where} was reset`);
    return new RtmpError('lost', `the connection to ${this.where} failed (${err.message})`);
  }

  private onSocketClose(): void {
    if (this.phase === 'closed') return;
    if (this.closingCleanly) {
      const settle = this.openSettle;
      this.openSettle = null;
      this.finish(null);
      settle?.reject(new RtmpError('lost', `closed before ${this.where} accepted the stream`));
      return;
    }
    const err =
      this.phase === 'publish'
        ? // nginx-rtmp answers a refused on_publish by dropping the connection.
          new RtmpError('rejected', `the ingest closed the connection when we published (it rejected the stream key, or that stream is already live)`)
        : this.phase === 'live'
          ? new RtmpError('lost', `the ingest at ${this.where} closed the connection`)
          : new RtmpError('lost', `the ingest at ${this.where} closed the connection during ${this.phase}`);
    this.fail(err);
  }

  private fail(err: RtmpError): void {
    if (this.phase === 'closed') return;
    const settle = this.openSettle;
    this.openSettle = null;
    this.finish(err);
    settle?.reject(err);
  }

  private finish(err: RtmpError | null): void {
    const wasLive = this.phase === 'live';
    this.phase = 'closed';
    this.socket?.destroy();
    if (wasLive || err === null) for (const cb of this.closeListeners) cb(err);
  }
}

function asRecord(value: AmfValue | undefined): Readonly<Record<string, AmfValue>> | null {
  if (value instanceof AmfEcmaArray) return value.properties;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)) return value as Readonly<Record<string, AmfValue>>;
  return null;
}
