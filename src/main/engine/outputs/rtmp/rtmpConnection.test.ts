// RtmpConnection against a scripted RTMP server on 127.0.0.1, for the protocol
// duties that nginx-rtmp does not exercise: its own Set Chunk Size, pings, a small
// acknowledgement window, _error answers.
import { afterEach, describe, expect, it } from 'vitest';
import { accepting, fakeRtmpServer, type Answer, type FakeRtmpServer } from '../../../../../test/support/fakeRtmpServer';
import { createMemoryLogger } from '../../logger';
import { RtmpConnection } from './rtmpConnection';
import { MSG_ACKNOWLEDGEMENT, MSG_SET_CHUNK_SIZE, MSG_USER_CONTROL, RtmpError } from './rtmpMessages';
import { parseRtmpUrl } from './rtmpUrl';

const servers: FakeRtmpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});
async function fakeServer(answer: Answer): Promise<FakeRtmpServer> {
  const server = await fakeRtmpServer(answer);
  servers.push(server);
  return server;
}

function connection(port: number, streamKey = 'key-1'): RtmpConnection {
  return new RtmpConnection({ target: parseRtmpUrl(`rtmp://127.0.0.1:${port}/live`), streamKey, timeoutMs: 3000, logger: createMemoryLogger() });
}

describe('RtmpConnection protocol duties', () => {
  it('handshakes, raises its chunk size, answers pings, acknowledges and publishes', async () => {
    const { port, seen } = await fakeServer(accepting);
    const conn = connection(port);
    await conn.open();
    expect(conn.isLive).toBe(true);
    expect(seen.c2EchoesS1).toEqual([true]);
    // First message after the handshake: Set Chunk Size 4096.
    expect(seen.messages[0]).toMatchObject({ typeId: MSG_SET_CHUNK_SIZE, chunkStreamId: 2, streamId: 0 });
    expect(seen.messages[0]!.payload.readUInt32BE(0)).toBe(4096);
    expect(seen.commands.map((c) => c[0])).toEqual(['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish']);
    expect(seen.commands[0]![2]).toMatchObject({ app: 'live', type: 'nonprivate', tcUrl: `rtmp://127.0.0.1:${port}/live` });
    expect(seen.commands[4]!.slice(3)).toEqual(['key-1', 'live']);
    const ping = seen.messages.find((m) => m.typeId === MSG_USER_CONTROL);
    expect(ping?.payload.toString('hex')).toBe('000701020304');
    const ack = seen.messages.find((m) => m.typeId === MSG_ACKNOWLEDGEMENT);
    expect(ack?.payload.readUInt32BE(0)).toBeGreaterThanOrEqual(2000);
    // A 10 KB message leaves as 3 chunks of at most 4096 bytes.
    const before = seen.messages.length;
    conn.send(6, 9, 0, Buffer.alloc(10_000, 1));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.messages.slice(before).map((m) => m.payload.length)).toEqual([10_000]);
    const closed = new Promise<RtmpError | null>((r) => conn.onClose(r));
    await conn.close();
    expect(await closed).toBeNull();
    expect(seen.commands.slice(-2).map((c) => c[0])).toEqual(['FCUnpublish', 'deleteStream']);
  });

  it('turns _error on connect into a rejection with the server description', async () => {
    const { port } = await fakeServer((name, txn, reply) => {
      if (name === 'connect') reply('_error', txn, null, { level: 'error', code: 'NetConnection.Connect.Rejected', description: 'unknown app' });
    });
    const err = await connection(port).open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RtmpError);
    expect(err).toMatchObject({ kind: 'rejected', message: 'the ingest refused the connection (NetConnection.Connect.Rejected: unknown app)' });
  });

  it('turns an onStatus error on publish into a stream-key rejection', async () => {
    const { port } = await fakeServer((name, txn, reply) => {
      if (name === 'publish') reply('onStatus', 0, null, { level: 'error', code: 'NetStream.Publish.BadName', description: 'bad key' });
      else accepting(name, txn, reply);
    });
    const err = await connection(port).open().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rejected', message: 'the ingest rejected the stream key (NetStream.Publish.BadName: bad key)' });
  });

  it('times out a server that never answers, naming the stage', async () => {
    const { port } = await fakeServer(() => undefined);
    const conn = new RtmpConnection({ target: parseRtmpUrl(`rtmp://127.0.0.1:${port}/live`), streamKey: 'k', timeoutMs: 300, logger: createMemoryLogger() });
    const err = await conn.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect((err as Error).message).toMatch(/^no answer from 127\.0\.0\.1:\d+ within 0\.3 s \(stuck at connect\)$/);
  });
});
