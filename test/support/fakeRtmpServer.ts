// A scripted RTMP server on 127.0.0.1 for unit tests of the protocol duties that
// nginx-rtmp does not exercise: its own Set Chunk Size, pings, a small
// acknowledgement window, chosen answers (_error, onStatus errors), and a peer that
// stops reading (backpressure).
import net from 'node:net';
import { decodeAmf0, encodeAmf0, type AmfValue } from '../../src/main/engine/mux/amf0';
import { ChunkReader } from '../../src/main/engine/outputs/rtmp/chunkReader';
import { ChunkWriter } from '../../src/main/engine/outputs/rtmp/chunkWriter';
import {
  controlMessage,
  MSG_COMMAND_AMF0,
  MSG_SET_CHUNK_SIZE,
  MSG_WINDOW_ACK_SIZE,
  type RtmpMessage,
  u32Payload,
  UC_PING_REQUEST,
  userControl,
} from '../../src/main/engine/outputs/rtmp/rtmpMessages';

export interface Seen {
  readonly c2EchoesS1: boolean[];
  readonly messages: RtmpMessage[];
  readonly commands: AmfValue[][];
}

export type Answer = (name: string, txn: number, reply: (...values: AmfValue[]) => void) => void;

export interface FakeRtmpServer {
  readonly port: number;
  readonly seen: Seen;
  /** Stop reading from every client (the kernel buffers fill, then the client's socket). */
  pauseReading(): void;
  resumeReading(): void;
  stop(): Promise<void>;
}

export async function fakeRtmpServer(answer: Answer): Promise<FakeRtmpServer> {
  const sockets = new Set<net.Socket>();
  const seen: Seen = { c2EchoesS1: [], messages: [], commands: [] };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const reader = new ChunkReader();
    const writer = new ChunkWriter();
    const s1 = Buffer.alloc(1536, 7);
    let buf = Buffer.alloc(0);
    let phase: 'c0c1' | 'c2' | 'chunks' = 'c0c1';
    const send = (m: RtmpMessage): void => void socket.write(writer.write(m));
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      if (phase === 'c0c1' && buf.length >= 1537) {
        socket.write(Buffer.concat([Buffer.from([3]), s1, buf.subarray(1, 1537)]));
        buf = buf.subarray(1537);
        phase = 'c2';
      }
      if (phase === 'c2' && buf.length >= 1536) {
        seen.c2EchoesS1.push(buf.subarray(0, 1536).equals(s1));
        buf = buf.subarray(1536);
        phase = 'chunks';
        // Our duties for the client: a tiny ack window, a big chunk size, a ping.
        send(controlMessage(MSG_WINDOW_ACK_SIZE, u32Payload(2000)));
        send(controlMessage(MSG_SET_CHUNK_SIZE, u32Payload(60_000)));
        writer.setChunkSize(60_000);
        send(userControl(UC_PING_REQUEST, Buffer.from([1, 2, 3, 4])));
      }
      if (phase !== 'chunks' || buf.length === 0) return;
      const input = buf;
      buf = Buffer.alloc(0);
      for (const m of reader.push(input)) {
        seen.messages.push(m);
        if (m.typeId !== MSG_COMMAND_AMF0) continue;
        const values = decodeAmf0(m.payload);
        seen.commands.push(values);
        const reply = (...out: AmfValue[]): void =>
          send({ chunkStreamId: 3, timestamp: 0, typeId: MSG_COMMAND_AMF0, streamId: m.streamId, payload: encodeAmf0(...out) });
        answer(String(values[0]), Number(values[1]), reply);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    pauseReading: () => {
      for (const socket of sockets) socket.pause();
    },
    resumeReading: () => {
      for (const socket of sockets) socket.resume();
    },
    stop: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => r());
      }),
  };
}

/** Accepts connect, createStream and publish like a friendly ingest. */
export const accepting: Answer = (name, txn, reply) => {
  if (name === 'connect') {
    // 5 KB in one chunk: only readable by a client that honoured our Set Chunk Size.
    reply('onBWDone', 0, null, 'x'.repeat(5000));
    reply('_result', txn, { fmsVer: 'FMS/3,0,1,123' }, { level: 'status', code: 'NetConnection.Connect.Success' });
  } else if (name === 'createStream') {
    reply('_result', txn, null, 1);
  } else if (name === 'publish') {
    reply('onStatus', 0, null, { level: 'status', code: 'NetStream.Publish.Start', description: 'go' });
  }
};
