// What every output (RTMP publisher, recorder) reports to the studio, so the control
// room shows one kind of row per destination.

export type OutputState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'error' | 'stopping';

export interface OutputStats {
  readonly state: OutputState;
  /** Over the last ~2 s of bytes actually written (to the socket or the disk). */
  readonly bitrateKbps: number;
  /** Video frames dropped to keep up (backpressure), never silently. */
  readonly droppedFrames: number;
  readonly reconnects: number;
  /** Operator-facing, secret-free. */
  readonly lastError: string | null;
  readonly bytesSent: number;
  /** Bytes handed to the socket or file stream that the OS has not taken yet. */
  readonly queuedBytes: number;
}
