// RTMP message types, control messages and the error type the connection reports.
// Numbers: Adobe RTMP spec 1.0 §5.4 (protocol control), §6.2 (user control),
// §7.1 (message types); summarised in specs/flv-rtmp-sei.md "RTMP publish".

/** One complete RTMP message, as the chunk layer reassembles it (§5.3). */
export interface RtmpMessage {
  readonly chunkStreamId: number;
  /** Absolute timestamp in ms, modulo 2^32. */
  readonly timestamp: number;
  readonly typeId: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

// §5.4 protocol control messages travel on chunk stream 2, message stream 0.
export const MSG_SET_CHUNK_SIZE = 1;
export const MSG_ABORT = 2;
export const MSG_ACKNOWLEDGEMENT = 3;
export const MSG_USER_CONTROL = 4;
export const MSG_WINDOW_ACK_SIZE = 5;
export const MSG_SET_PEER_BANDWIDTH = 6;
// §7.1 media and command messages.
export const MSG_AUDIO = 8;
export const MSG_VIDEO = 9;
export const MSG_DATA_AMF0 = 18;
export const MSG_COMMAND_AMF0 = 20;

// §6.2 user control event types.
export const UC_STREAM_BEGIN = 0;
export const UC_PING_REQUEST = 6;
export const UC_PING_RESPONSE = 7;

// Chunk stream ids we send on. 2 is reserved for protocol control (§5.4); the rest
// follow what FMLE and ffmpeg use, so server logs look familiar.
export const CSID_CONTROL = 2;
export const CSID_COMMAND = 3;
export const CSID_AUDIO = 4;
export const CSID_DATA = 5;
export const CSID_VIDEO = 6;

/** The chunk size we announce right after the handshake (spec advice: ≥ 4096). */
export const OUR_CHUNK_SIZE = 4096;

export function controlMessage(typeId: number, payload: Buffer): RtmpMessage {
  return { chunkStreamId: CSID_CONTROL, timestamp: 0, typeId, streamId: 0, payload };
}

export function u32Payload(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b;
}

export function userControl(event: number, data: Buffer): RtmpMessage {
  const b = Buffer.alloc(2 + data.length);
  b.writeUInt16BE(event, 0);
  data.copy(b, 2);
  return controlMessage(MSG_USER_CONTROL, b);
}

/** What went wrong, in words an operator understands; `kind` drives the retry policy. */
export type RtmpErrorKind = 'unreachable' | 'rejected' | 'lost' | 'protocol' | 'timeout';

export class RtmpError extends Error {
  constructor(
    readonly kind: RtmpErrorKind,
    message: string,
  ) {
    super(message);
  }
}
