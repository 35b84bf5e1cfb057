// The RTMP player against a scripted server on 127.0.0.1 that does what
// real ones do to a player: a big chunk size, a small acknowledgement window, pings,
// extended timestamps, an aggregate message, status codes. (The server side uses the
// engine's chunk code to make its bytes; the player under test shares none of it.)
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { freePort } from '../../../../test/support/nginxRtmp';
import { decodeAmf0, encodeAmf0, type AmfValue } from '../mux/amf0';
import { ChunkReader } from '../outputs/rtmp/chunkReader';
import { ChunkWriter } from '../outputs/rtmp/chunkWriter';
import { controlMessage, type RtmpMessage, u32Payload, userControl } from '../outputs/rtmp/rtmpMessages';
import { PlayError } from './playError';
import { parseRtmpPlayUrl, playRtmp } from './rtmpPlayer';

type Script = (name: string, args: AmfValue[], server: { send: (m: Omit<RtmpMessage, 'chunkStreamId'> & { chunkStreamId?: number }) => void; reply: (...v: AmfValue[]) => void; end: () => void }) => void;

const cleanups = stopsAfterEach();

interface Scripted {
  readonly port: number;
  readonly received: RtmpMessage[];
  readonly commands: AmfValue[][];
  c2EchoedS1: boolean;
}

async function scriptedServer(script: Script): Promise<Scripted> {
  const sockets = new Set<net.Socket>();
  const state: Scripted = { port: 0, received: [], commands: [], c2EchoedS1: false };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    const reader = new ChunkReader();
    const writer = new ChunkWriter();
    const s1 = Buffer.alloc(1536, 0x5a);
    let buf = Buffer.alloc(0);
    let phase: 'c0c1' | 'c2' | 'chunks' = 'c0c1';
    const send = (m: Omit<RtmpMessage, 'chunkStreamId'> & { chunkStreamId?: number }): void => void socket.write(writer.write({ chunkStreamId: 5, ...m }));
    socket.on('data', (data: Buffer) => {
      buf = Buffer.concat([buf, data]);
      if (phase === 'c0c1' && buf.length >= 1537) {
        // S0 + S1 first; S2 (C1 echoed) in a separate write, as some servers do.
        socket.write(Buffer.concat([Buffer.from([3]), s1]));
        socket.write(buf.subarray(1, 1537));
        buf = buf.subarray(1537);
        phase = 'c2';
      }
      if (phase === 'c2' && buf.length >= 1536) {
        state.c2EchoedS1 = buf.subarray(0, 1536).equals(s1);
        buf = buf.subarray(1536);
        phase = 'chunks';
        socket.write(writer.write(controlMessage(5, u32Payload(2000))));
        socket.write(writer.write(controlMessage(1, u32Payload(60_000))));
        writer.setChunkSize(60_000);
        socket.write(writer.write(userControl(6, Buffer.from([9, 8, 7, 6]))));
      }
      if (phase !== 'chunks' || buf.length === 0) return;
      const input = buf;
      buf = Buffer.alloc(0);
      for (const m of reader.push(input)) {
        state.received.push(m);
        if (m.typeId !== 20) continue;
        const values = decodeAmf0(m.payload);
        state.commands.push(values);
        const [name, txn, , ...args] = values;
        const reply = (...out: AmfValue[]): void => send({ chunkStreamId: 3, typeId: 20, timestamp: 0, streamId: m.streamId, payload: encodeAmf0(...out) });
        if (name === 'connect') reply('_result', txn!, { fmsVer: 'FMS/3,0,1,123' }, { level: 'status', code: 'NetConnection.Connect.Success' });
        else if (name === 'createStream') reply('_result', txn!, null, 7);
        script(String(name), args, { send, reply, end: () => socket.end() });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return Object.assign(state, { port: (server.address() as net.AddressInfo).port });
}

const status = (code: string, level = 'status'): AmfValue[] => ['onStatus', 0, null, { level, code, description: code }];

/** An FLV tag inside an aggregate message (RTMP spec §7.1.6). */
function flvTag(type: number, ts: number, data: Buffer): Buffer {
  const h = Buffer.alloc(11);
  h[0] = type;
  h.writeUIntBE(data.length, 1, 3);
  h.writeUIntBE(ts & 0xffffff, 4, 3);
  h[7] = (ts >>> 24) & 0xff;
  const back = Buffer.alloc(4);
  back.writeUInt32BE(11 + data.length, 0);
  return Buffer.concat([h, data, back]);
}

describe('playRtmp', () => {
  it('plays: answers pings, acknowledges, honours the chunk size, and hands over media with their times', async () => {
    const server = await scriptedServer((name, _args, s) => {
      if (name !== 'play') return;
      s.reply(...status('NetStream.Play.Reset'));
      s.reply(...status('NetStream.Play.Start'));
      const media = (typeId: number, timestamp: number, payload: Buffer, chunkStreamId = 6): void => s.send({ chunkStreamId, typeId, timestamp, streamId: 7, payload });
      media(18, 0, encodeAmf0('onMetaData', { width: 640 }), 5);
      media(9, 0, Buffer.alloc(5000, 0x17)); // one 60 000-byte chunk, past the ack window
      media(9, 33, Buffer.alloc(40, 0x27));
      media(8, 35, Buffer.from([0xaf, 1, 2]), 4);
      media(9, 0x01000000, Buffer.alloc(10, 0x27)); // extended timestamp (4.66 hours)
      media(22, 0x01000100, Buffer.concat([flvTag(18, 500, encodeAmf0('onCuePoint', { name: 'x' })), flvTag(9, 500, Buffer.alloc(3, 0x27))]));
      s.reply(...status('NetStream.Play.UnpublishNotify'));
    });
    const got: [number, number, number][] = [];
    let playing = 0;
    await playRtmp({
      target: parseRtmpPlayUrl(`rtmp://127.0.0.1:${server.port}/live/stream-key?sign=1`),
      connectTimeoutMs: 5000,
      signal: new AbortController().signal,
      onPlaying: () => playing++,
      onMedia: (type, ts, payload) => got.push([type, ts, payload.length]),
    });
    expect(server.c2EchoedS1).toBe(true);
    expect(playing).toBe(1);
    expect(got).toEqual([
      [18, 0, encodeAmf0('onMetaData', { width: 640 }).length],
      [9, 0, 5000],
      [9, 33, 40],
      [8, 35, 3],
      [9, 0x01000000, 10],
      [18, 0x01000100, encodeAmf0('onCuePoint', { name: 'x' }).length],
      [9, 0x01000100, 3],
    ]);
    const connect = server.commands.find((c) => c[0] === 'connect')!;
    expect(connect[2]).toMatchObject({ app: 'live', tcUrl: `rtmp://127.0.0.1:${server.port}/live` });
    const play = server.received.find((m) => m.typeId === 20 && decodeAmf0(m.payload)[0] === 'play')!;
    expect(play.streamId).toBe(7);
    expect(decodeAmf0(play.payload)).toEqual(['play', 0, null, 'stream-key?sign=1', -2]);
    // Pong with the ping's bytes; Set Buffer Length for stream 7; an acknowledgement past 2000 bytes.
    const events = server.received.filter((m) => m.typeId === 4).map((m) => m.payload.toString('hex'));
    expect(events).toContain('000709080706');
    expect(events).toContain('00030000000700000bb8');
    const acks = server.received.filter((m) => m.typeId === 3).map((m) => m.payload.readUInt32BE(0));
    expect(acks.length).toBeGreaterThan(0);
    expect(acks[0]).toBeGreaterThan(2000);
  });

  it('refuses a stream the server will not play, without naming the stream', async () => {
    const server = await scriptedServer((name, _args, s) => {
      if (name === 'play') s.reply(...status('NetStream.Play.StreamNotFound', 'error'));
    });
    const run = playRtmp({
      target: parseRtmpPlayUrl(`rtmp://127.0.0.1:${server.port}/live/secret-key-42`),
      connectTimeoutMs: 5000,
      signal: new AbortController().signal,
      onMedia: () => undefined,
    });
    await expect(run).rejects.toThrow(new PlayError(`cannot read rtmp://127.0.0.1:${server.port}/live/***: NetStream.Play.StreamNotFound`));
  });

  it('says why it cannot connect, gives up on a silent server in time, and stops when asked', async () => {
    const port = await freePort();
    const target = (p: number): ReturnType<typeof parseRtmpPlayUrl> => parseRtmpPlayUrl(`rtmp://127.0.0.1:${p}/live/k`);
    await expect(playRtmp({ target: target(port), connectTimeoutMs: 2000, signal: new AbortController().signal, onMedia: () => undefined })).rejects.toThrow(
      `cannot read rtmp://127.0.0.1:${port}/live/***: connection refused`,
    );
    const accepted = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      accepted.add(s);
      s.on('error', () => undefined);
      s.on('close', () => accepted.delete(s));
      s.resume(); // read (and drop) what comes, so the player's close is seen
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => silent.close(() => r())));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const t0 = Date.now();
    await expect(playRtmp({ target: target(silentPort), connectTimeoutMs: 300, signal: new AbortController().signal, onMedia: () => undefined })).rejects.toThrow(/no answer from .* within 300 ms \(stuck at handshake\)/);
    expect(Date.now() - t0).toBeLessThan(2000);
    const stop = new AbortController();
    const run = playRtmp({ target: target(silentPort), connectTimeoutMs: 5000, signal: stop.signal, onMedia: () => undefined });
    stop.abort();
    await expect(run).resolves.toBeUndefined();
    // The player closed every connection it opened.
    const deadline = Date.now() + 2000;
    while (accepted.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(accepted.size).toBe(0);
  });

  it('parses play URLs: app, stream with query, default ports, RTMPS', () => {
    expect(parseRtmpPlayUrl('rtmp://ingest.example/live/abc?x=1')).toMatchObject({ secure: false, host: 'ingest.example', port: 1935, app: 'live', stream: 'abc?x=1', tcUrl: 'rtmp://ingest.example:1935/live', shown: 'rtmp://ingest.example:1935/live/***' });
    expect(parseRtmpPlayUrl('rtmps://[::1]:4443/app2/a/b')).toMatchObject({ secure: true, host: '::1', port: 4443, app: 'app2', stream: 'a/b' });
    expect(parseRtmpPlayUrl('RTMPS://h/app/s')).toMatchObject({ secure: true, port: 443 });
    expect(() => parseRtmpPlayUrl('rtmp://h/live')).toThrow(PlayError);
  });
});
