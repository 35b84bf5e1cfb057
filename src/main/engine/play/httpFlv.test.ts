// HTTP-FLV reading against a local server: the bytes as served, an error status
// said without the stream name, a stop on request, and https with a self-signed
// certificate (refused unless told not to verify).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSelfSignedCert } from '../../../../test/support/selfSignedCert';
import { isHttpFlvUrl, readHttpFlv } from './httpFlv';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serve(handler: http.RequestListener, tls?: { cert: Buffer; key: Buffer }): Promise<number> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

describe('readHttpFlv', () => {
  it('hands over the body byte for byte and ends with the response', async () => {
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i & 0xff));
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/x-flv' });
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.end(body.subarray(1000)), 50);
    });
    const got: Buffer[] = [];
    let playing = false;
    await readHttpFlv({ url: `http://127.0.0.1:${port}/live/key.flv`, connectTimeoutMs: 2000, signal: new AbortController().signal, onPlaying: () => (playing = true), onBytes: (c) => got.push(c) });
    expect(playing).toBe(true);
    expect(Buffer.concat(got).equals(body)).toBe(true);
  });

  it('says what the server answered, without the stream name', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(404);
      res.end('no such stream');
    });
    await expect(
      readHttpFlv({ url: `http://127.0.0.1:${port}/live/secret-key.flv?token=abc`, connectTimeoutMs: 2000, signal: new AbortController().signal, onBytes: () => undefined }),
    ).rejects.toThrow(`cannot read http://127.0.0.1:${port}/live/***: HTTP 404`);
  });

  it('stops a live download when asked', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200);
      res.write(Buffer.from('FLV'));
    });
    const stop = new AbortController();
    let bytes = 0;
    const run = readHttpFlv({ url: `http://127.0.0.1:${port}/live/k.flv`, connectTimeoutMs: 2000, signal: stop.signal, onBytes: (c) => (bytes += c.length) });
    await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    await expect(run).resolves.toBeUndefined();
    expect(bytes).toBe(3);
  });

  it('reads https with a self-signed certificate only when told not to verify it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-https-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const { certPath, keyPath } = writeSelfSignedCert(dir);
    const port = await serve(
      (_req, res) => {
        res.writeHead(200);
        res.end(Buffer.from('FLV'));
      },
      { cert: readFileSync(certPath), key: readFileSync(keyPath) },
    );
    const url = `https://localhost:${port}/live/k.flv`;
    const read = (verifyCertificate?: boolean): Promise<void> =>
      readHttpFlv({ url, connectTimeoutMs: 2000, signal: new AbortController().signal, verifyCertificate, onBytes: (c) => (bytes += c.length) });
    let bytes = 0;
    await expect(read()).rejects.toThrow(/^cannot read https:\/\/localhost:\d+\/live\/\*\*\*: self.signed certificate/);
    expect(bytes).toBe(0);
    await read(false);
    expect(bytes).toBe(3);
  });

  it('recognises HTTP-FLV URLs', () => {
    expect(isHttpFlvUrl('http://127.0.0.1:8000/live/a.flv')).toBe(true);
    expect(isHttpFlvUrl('https://cdn.example/live/a.FLV?auth=x')).toBe(true);
    expect(isHttpFlvUrl('https://cdn.example/live/a.m3u8')).toBe(false);
    expect(isHttpFlvUrl('rtmp://h/live/a.flv')).toBe(false);
  });
});
