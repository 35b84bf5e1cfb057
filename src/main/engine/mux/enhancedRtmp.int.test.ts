// HEVC through our own Enhanced FLV / Enhanced RTMP mux, end to end with the
// distribution's ffmpeg 5.1 (which can neither mux nor read Enhanced FLV):
// x265 → MPEG-TS → MpegTsReader → hvcC + length-prefixed frames → FlvRecorder /
// RtmpPublisher. What comes out is parsed by an independent reader
// (test/support/enhancedFlvCheck.ts), turned back into Annex B and decoded by ffmpeg.
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../../../../test/support/cleanups';
import { av1ObuStream, checkFlv, hevcAnnexB, type CheckedFlv } from '../../../../test/support/enhancedFlvCheck';
import { freePort, sleep, startNginxRtmp, waitForPort, waitUntil } from '../../../../test/support/nginxRtmp';
import { FfmpegProgramEncoder } from '../encoder/programEncoder';
import { createMemoryLogger } from '../logger';
import { solidFrame } from '../switcher/frameOps';
import type { AudioConfig, EncodedFrame, VideoConfig } from '../media/packets';
import { FlvRecorder } from '../outputs/flvRecorder';
import { ChunkReader } from '../outputs/rtmp/chunkReader';
import { ChunkWriter } from '../outputs/rtmp/chunkWriter';
import { ClientHandshake } from '../outputs/rtmp/handshake';
import { MSG_COMMAND_AMF0, MSG_SET_CHUNK_SIZE, type RtmpMessage } from '../outputs/rtmp/rtmpMessages';
import { RtmpPublisher } from '../outputs/rtmp/rtmpPublisher';
import { decodeAmf0, encodeAmf0, type AmfValue } from './amf0';
import { buildHvcC, hevcParameterSets, isHevcKeyframe, splitAnnexB, toLengthPrefixed } from './hevc';
import { adtsFrames, MpegTsReader, type TsAccessUnit } from './mpegtsReader';

const FRAMES = 60;
const cleanups = stopsAfterEach();

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-hevc-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a tool to completion with a deadline (execFile kills it on timeout). */
function run(cmd: string, args: readonly string[], input?: Buffer): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 60_000, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${cmd} failed: ${err.message} ${stderr.toString()}`));
      resolve({ stdout, stderr: stderr.toString() });
    });
    cleanups.push(() => void child.kill('SIGKILL'));
    if (input) child.stdin!.end(input);
  });
}

function x265Args(bframes: boolean): string[] {
  const codec = bframes
    ? ['-preset', 'ultrafast', '-x265-params', 'log-level=error:bframes=3']
    : ['-preset', 'ultrafast', '-tune', 'zerolatency', '-x265-params', 'log-level=error'];
  return [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-frames:v', String(FRAMES), '-t', '2', '-c:v', 'libx265', ...codec, '-g', '30', '-b:v', '800k',
    '-c:a', 'aac', '-b:a', '96k', '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', 'pipe:1',
  ];
}

interface Programme {
  readonly video: VideoConfig;
  readonly audio: AudioConfig;
  /** In DTS order, audio and video interleaved. */
  readonly frames: readonly EncodedFrame[];
}

/** What the encoder stage does with a TS: hvcC from the first keyframe, 4-byte NAL lengths. */
function toProgramme(ts: Buffer): Programme {
  const reader = new MpegTsReader();
  const units: TsAccessUnit[] = [];
  // Odd chunk sizes, as a pipe delivers them.
  for (let pos = 0, i = 0; pos < ts.length; i++) {
    const n = [4093, 1, 188 * 7 + 5][i % 3]!;
    units.push(...reader.push(ts.subarray(pos, pos + n)));
    pos += n;
  }
  units.push(...reader.flush());
  let video: VideoConfig | null = null;
  let audio: AudioConfig | null = null;
  const frames: EncodedFrame[] = [];
  let frame = 0;
  for (const unit of units) {
    if (unit.kind === 'video') {
      const nals = splitAnnexB(unit.data);
      const sets = hevcParameterSets(nals);
      if (!video && sets) {
        video = { codec: 'hevc', width: 640, height: 360, fps: 30, bitrateKbps: 800, decoderConfig: buildHvcC(sets.vps, sets.sps, sets.pps) };
      }
      frames.push({ type: 'video', dtsMs: unit.dtsMs, ptsMs: unit.ptsMs, keyframe: isHevcKeyframe(nals), data: toLengthPrefixed(nals), frame: frame++ });
    } else {
      adtsFrames(unit.data).forEach((f, i) => {
        audio ??= { codec: 'aac', sampleRate: f.sampleRate, channels: f.channels, bitrateKbps: 96, audioSpecificConfig: f.audioSpecificConfig };
        const t = unit.dtsMs + (i * 1024 * 1000) / f.sampleRate;
        frames.push({ type: 'audio', dtsMs: t, data: f.data });
      });
    }
  }
  if (!video || !audio) throw new Error('the TS had no HEVC parameter sets or no AAC');
  return { video, audio, frames: frames.sort((a, b) => a.dtsMs - b.dtsMs) };
}

interface ProbePacket { readonly pts: number; readonly dts: number }
async function probeVideoPackets(tsFile: string): Promise<ProbePacket[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts,dts', '-of', 'json', tsFile]);
  return (JSON.parse(stdout.toString()) as { packets: ProbePacket[] }).packets;
}

/** framemd5 lines (hash per decoded frame, in output order) with no decode errors allowed. */
async function decodeHashes(args: readonly string[]): Promise<string[]> {
  const { stdout, stderr } = await run('ffmpeg', ['-hide_banner', '-v', 'error', '-xerror', ...args, '-map', '0:v', '-f', 'framemd5', '-']);
  expect(stderr, 'ffmpeg reported decode errors').toBe('');
  return stdout.toString().split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}

/**
 * The verification: the FLV's structure, FourCC and composition times against
 * ffprobe's packets of the source TS, then a decode of its HEVC whose frames must
 * equal, hash for hash and in order, a decode of the source TS.
 */
async function verifyFlv(flvBytes: Buffer, tsFile: string, dir: string): Promise<CheckedFlv> {
  const flv = checkFlv(flvBytes);
  expect(flv.videoCodecId, 'onMetaData videocodecid = FourCC hvc1').toBe(0x68766331);
  expect(flv.video.every((t) => t.enhanced && t.codec === 'hvc1'), 'every video tag is enhanced hvc1').toBe(true);
  expect(flv.video[0]!.packetType, 'SequenceStart first').toBe(0);
  const coded = flv.video.filter((t) => t.packetType === 1 || t.packetType === 3);
  expect(coded.length).toBe(FRAMES);
  expect(coded[0]!.keyframe).toBe(true);
  const packets = await probeVideoPackets(tsFile);
  expect(packets.length).toBe(FRAMES);
  // Relative to the first frame: an ingest may start its timeline at an audio frame.
  const dts0 = packets[0]!.dts;
  for (const [i, tag] of coded.entries()) {
    const p = packets[i]!;
    expect(Math.abs(tag.dtsMs - coded[0]!.dtsMs - (p.dts - dts0) / 90), `frame ${i} DTS`).toBeLessThanOrEqual(1);
    expect(tag.ctsMs, `frame ${i} composition time = PTS − DTS`).toBe(Math.round((p.pts - p.dts) / 90));
    expect(tag.packetType, `frame ${i}: CodedFramesX exactly when cts is 0`).toBe(tag.ctsMs === 0 ? 3 : 1);
  }
  // Presentation order rebuilt from DTS + CTS is the source's presentation order.
  const order = (xs: readonly number[]): number[] => xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  expect(order(coded.map((t) => t.dtsMs + t.ctsMs))).toEqual(order(packets.map((p) => p.pts)));

  const hevcFile = path.join(dir, `check-${Date.now()}.hevc`);
  writeFileSync(hevcFile, hevcAnnexB(flv));
  const ours = await decodeHashes(['-f', 'hevc', '-i', hevcFile]);
  const source = await decodeHashes(['-i', tsFile]);
  expect(ours.length, 'decoded frame count').toBe(FRAMES);
  expect(ours).toEqual(source);
  return flv;
}

async function record(programme: Programme, dir: string): Promise<Buffer> {
  const recorder = new FlvRecorder({ name: 'HEVC test', folder: dir, logger: createMemoryLogger() });
  cleanups.push(() => recorder.stop());
  recorder.start();
  recorder.onConfig(programme.video, programme.audio);
  for (const f of programme.frames) recorder.onFrame(f);
  await recorder.stop();
  expect(recorder.state).toBe('idle');
  return readFileSync(recorder.stats().file!);
}

async function sourceTs(dir: string, bframes: boolean): Promise<{ ts: Buffer; tsFile: string }> {
  const { stdout: ts } = await run('ffmpeg', x265Args(bframes));
  const tsFile = path.join(dir, `source-${bframes ? 'b' : 'p'}.ts`);
  writeFileSync(tsFile, ts);
  return { ts, tsFile };
}

describe('HEVC over Enhanced FLV (FlvRecorder)', () => {
  it.each([false, true])('records x265 (B-frames %s) that decodes frame for frame', async (bframes) => {
    const dir = tempDir();
    const { ts, tsFile } = await sourceTs(dir, bframes);
    const programme = toProgramme(ts);
    const flv = await verifyFlv(await record(programme, dir), tsFile, dir);
    const ctsValues = flv.video.filter((t) => t.packetType === 1).map((t) => t.ctsMs);
    if (bframes) expect(ctsValues.length, 'B-frames give non-zero composition times').toBeGreaterThan(10);
    else expect(ctsValues).toEqual([]);
    // Audio rides along as legacy AAC: its sequence header plus one tag per frame.
    expect(flv.audioTags).toBeGreaterThan(50);
  });

  it('fails on a wrong FourCC, a wrong NAL length or a wrong composition time', async () => {
    const dir = tempDir();
    const { ts, tsFile } = await sourceTs(dir, true);
    const good = await record(toProgramme(ts), dir);
    const flv = checkFlv(good);
    // Locate the first CodedFrames (packet type 1) tag body in the file.
    let pos = good.readUInt32BE(5) + 4;
    let body = -1;
    while (pos < good.length) {
      const size = good.readUIntBE(pos + 1, 3);
      if (good[pos] === 9 && (good[pos + 11]! & 0x8f) === 0x81) {
        body = pos + 11;
        break;
      }
      pos += 15 + size;
    }
    expect(body).toBeGreaterThan(0);
    expect(flv.video.length).toBeGreaterThan(FRAMES);
    const mutate = (at: number, value: number): Buffer => {
      const b = Buffer.from(good);
      b[at] = value;
      return b;
    };
    await expect(verifyFlv(mutate(body + 4, 0x30), tsFile, dir), 'FourCC hvc0').rejects.toThrow(/enhanced hvc1/);
    await expect(verifyFlv(mutate(body + 8 + 3, good[body + 11]! + 1), tsFile, dir), 'NAL length + 1').rejects.toThrow(/NAL length|forbidden_zero_bit/);
    await expect(verifyFlv(mutate(body + 7, good[body + 7]! ^ 0x01), tsFile, dir), 'composition time ± 1').rejects.toThrow(/composition time = PTS − DTS/);
  });
});

interface RtmpPlayCapture {
  /** Resolves with the stream as FLV bytes when the server ends the play session (or at the deadline). */
  readonly done: Promise<Buffer>;
  /** Resolves once the server confirmed NetStream.Play.Start. */
  readonly playing: Promise<void>;
}

/**
 * A bare RTMP player (RTMP spec §7.2: connect → createStream → play) that keeps
 * every audio, video and data message as an FLV tag, byte for byte: ffmpeg 5.1
 * drops Enhanced RTMP video when it plays a stream, so it cannot be the reader.
 * It shares only the chunk layer with the publisher; the FLV tags are framed here.
 */
function rtmpPlay(url: string, name: string, deadlineMs: number): RtmpPlayCapture {
  const { hostname, port, pathname } = new URL(url);
  const app = pathname.replace(/^\//, '');
  const socket = net.connect({ host: hostname, port: Number(port) });
  cleanups.push(() => void socket.destroy());
  const handshake = new ClientHandshake();
  const reader = new ChunkReader();
  const writer = new ChunkWriter();
  const tags: Buffer[] = [Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0])];
  const command = (streamId: number, ...values: AmfValue[]): void =>
    void socket.write(writer.write({ chunkStreamId: 3, timestamp: 0, typeId: MSG_COMMAND_AMF0, streamId, payload: encodeAmf0(...values) }));
  let onPlaying: () => void = () => undefined;
  const playing = new Promise<void>((resolve) => (onPlaying = resolve));
  const onMessage = (m: RtmpMessage): void => {
    if (m.typeId === 8 || m.typeId === 9 || m.typeId === 18) {
      const head = Buffer.alloc(11);
      head[0] = m.typeId;
      head.writeUIntBE(m.payload.length, 1, 3);
      head.writeUIntBE(m.timestamp & 0xffffff, 4, 3);
      head[7] = (m.timestamp >>> 24) & 0xff;
      const prev = Buffer.alloc(4);
      prev.writeUInt32BE(11 + m.payload.length);
      tags.push(head, m.payload, prev);
      return;
    }
    if (m.typeId !== MSG_COMMAND_AMF0) return;
    const [cmd, txn, , info] = decodeAmf0(m.payload);
    if (cmd === '_result' && txn === 1) command(0, 'createStream', 2, null);
    else if (cmd === '_result' && txn === 2) {
      const streamId = decodeAmf0(m.payload)[3] as number;
      command(streamId, 'play', 0, null, name, -1000);
    } else if (cmd === 'onStatus' && JSON.stringify(info ?? '').includes('NetStream.Play.Start')) onPlaying();
  };
  socket.once('connect', () => socket.write(handshake.start()));
  let live = false;
  socket.on('data', (data: Buffer) => {
    if (!live) {
      const step = handshake.push(data);
      if (step.reply) socket.write(step.reply);
      if (!step.done) return;
      live = true;
      command(0, 'connect', 1, { app, type: 'nonprivate', flashVer: 'LNX 9,0,124,2', tcUrl: url });
      data = step.rest ?? Buffer.alloc(0);
    }
    for (const m of reader.push(data)) {
      if (m.typeId !== MSG_SET_CHUNK_SIZE) onMessage(m);
    }
  });
  const done = new Promise<Buffer>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), deadlineMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(tags));
    });
    socket.on('error', () => undefined);
  });
  return { done, playing };
}

/**
 * nginx-rtmp with `wait_key off`. Its default (wait_key on) starts a player's video
 * at a tag whose FrameType nibble is 1 (key); an Enhanced RTMP key frame's first
 * byte is 0x9X, which nginx reads as FrameType 9, so a player never gets video.
 * test/support/nginxRtmp.ts has no option for this directive, hence this copy.
 */
async function startNginxWithoutWaitKey(): Promise<{ url: string; errorLog: () => string }> {
  const port = await freePort();
  const prefix = tempDir();
  const errorLogPath = path.join(prefix, 'error.log');
  const confPath = path.join(prefix, 'nginx.conf');
  writeFileSync(confPath, [
    'load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;', 'daemon off;', 'master_process off;',
    `pid ${path.join(prefix, 'nginx.pid')};`, `error_log ${errorLogPath} info;`, 'events { worker_connections 256; }',
    `rtmp { server { listen 127.0.0.1:${port}; chunk_size 4096;`,
    '  application live { live on; record off; idle_streams off; wait_key off; } } }', '',
  ].join('\n'));
  const child = spawn('nginx', ['-p', prefix, '-c', confPath, '-e', errorLogPath], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  });
  await waitForPort(port, 5000, child);
  const errorLog = (): string => readFileSync(errorLogPath, 'utf8');
  return { url: `rtmp://127.0.0.1:${port}/live`, errorLog };
}

/** Publishes the programme at a steady pace to `url` while a bare player records what the ingest relays. */
async function publishAndPlay(url: string, programme: Programme, errorLog: () => string): Promise<Buffer> {
  const pub = new RtmpPublisher({ name: 'Local', url, streamKey: 'hevc', logger: createMemoryLogger(), reconnect: { initialDelayMs: 200, maxDelayMs: 1000 } });
  cleanups.push(() => pub.stop());
  pub.start();
  await waitUntil(() => pub.state === 'live', 5000, 'publisher live');
  const player = rtmpPlay(url, 'hevc', 20_000);
  await waitUntil(() => errorLog().includes("play: name='hevc'"), 5000, 'the player');
  await Promise.race([player.playing, sleep(2000)]);
  pub.onConfig(programme.video, programme.audio);
  // Paced, so nothing is dropped for backpressure.
  for (const f of programme.frames) {
    pub.onFrame(f);
    if (f.type === 'video') await sleep(10);
  }
  await sleep(500);
  expect(pub.stats().droppedFrames).toBe(0);
  await pub.stop();
  // idle_streams off: nginx ends the play session when the publisher leaves.
  return player.done;
}

describe('HEVC over Enhanced RTMP (RtmpPublisher → nginx-rtmp 1.22 → bare player)', () => {
  it.each([false, true])('relays x265 (B-frames %s) tags byte for byte that decode frame for frame (wait_key off)', async (bframes) => {
    const dir = tempDir();
    const { ts, tsFile } = await sourceTs(dir, bframes);
    const server = await startNginxWithoutWaitKey();
    const programme = toProgramme(ts);
    const flv = await verifyFlv(await publishAndPlay(server.url, programme, server.errorLog), tsFile, dir);
    if (bframes) expect(flv.video.some((t) => t.packetType === 1)).toBe(true);
    expect(flv.audioTags).toBeGreaterThan(50);
    // Byte for byte: the relayed video payloads are the ones the recorder writes.
    const recorded = checkFlv(await record(programme, dir));
    const payloads = (f: CheckedFlv): string[] => f.video.map((t) => `${t.packetType}/${t.frameType}/${t.ctsMs}/${(t.config ?? Buffer.concat([...t.nals])).toString('base64')}`);
    expect(payloads(flv)).toEqual(payloads(recorded));
  });

  it('with the default wait_key on, nginx relays metadata and audio but never enhanced video', async () => {
    const dir = tempDir();
    const { ts } = await sourceTs(dir, false);
    const server = await startNginxRtmp();
    cleanups.push(() => server.stop());
    const flv = checkFlv(await publishAndPlay(server.url, toProgramme(ts), () => server.errorLog()));
    expect(flv.videoCodecId).toBe(0x68766331);
    expect(flv.audioTags).toBeGreaterThan(50);
    expect(flv.video.length).toBe(0);
  });
});

/** An AV1 programme from the studio's own encoder stage (SVT-AV1 → IVF → av1C). */
async function av1Programme(): Promise<Programme> {
  const canvas = { width: 320, height: 240, fps: 30 } as const;
  const encoder = new FfmpegProgramEncoder({
    canvas,
    settings: { videoBitrateKbps: 800, audioBitrateKbps: 96, keyframeIntervalSec: 1, x264Preset: 'ultrafast' },
    ffmpegPath: 'ffmpeg',
    logger: createMemoryLogger(),
    video: { codec: 'av1', codecArgs: ['-c:v', 'libsvtav1', '-preset', '12', '-b:v', '800k', '-g', '30', '-svtav1-params', 'pred-struct=1', '-pix_fmt', 'yuv420p'], label: 'SVT-AV1' },
  });
  cleanups.push(() => encoder.dispose());
  let config: { video: VideoConfig; audio: AudioConfig } | null = null;
  const frames: EncodedFrame[] = [];
  encoder.addSink({ onConfig: (video, audio) => (config = { video, audio }), onFrame: (f) => frames.push(f) });
  encoder.start();
  const pictures = ['#c0392b', '#27ae60', '#2980b9'].map((c) => solidFrame(canvas, c));
  const audio = Buffer.alloc(1600 * 4);
  for (let i = 0; i < 75; i++) {
    encoder.write(i, pictures[i % 3]!, audio);
    await sleep(1000 / canvas.fps);
  }
  await sleep(1500);
  if (!config) throw new Error('the AV1 encoder stage produced no configuration');
  const { video, audio: audioConfig } = config as { video: VideoConfig; audio: AudioConfig };
  return { video, audio: audioConfig, frames: [...frames].sort((a, b) => a.dtsMs - b.dtsMs) };
}

describe('AV1 over Enhanced RTMP (encoder stage → RtmpPublisher → nginx-rtmp 1.22 → bare player)', () => {
  it('relays av01 tags that decode frame for frame (wait_key off)', async () => {
    const dir = tempDir();
    const programme = await av1Programme();
    const server = await startNginxWithoutWaitKey();
    const flv = checkFlv(await publishAndPlay(server.url, programme, server.errorLog));
    expect(flv.videoCodecId).toBe(0x61763031); // 'av01'
    const coded = flv.video.filter((t) => t.packetType !== 0);
    expect(coded.length).toBeGreaterThan(40);
    expect(coded.every((t) => t.codec === 'av01')).toBe(true);
    expect(coded[0]!.keyframe).toBe(true);
    const obu = path.join(dir, 'relayed.obu');
    writeFileSync(obu, av1ObuStream(flv));
    const decoded = await decodeHashes(['-v', 'error', '-xerror', '-f', 'obu', '-i', obu]);
    expect(decoded.length).toBe(coded.length);
  }, 60_000);
});
