// An RTMPS front for nginx-rtmp (which speaks no TLS itself): a TLS server with a
// throw-away self-signed certificate for "localhost" that pipes every connection to
// a plain TCP port — how RTMPS ingests terminate TLS in front of their RTMP servers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { writeSelfSignedCert } from './selfSignedCert';

export interface TlsProxy {
  readonly port: number;
  /** The certificate, to trust it explicitly (it is its own CA). */
  readonly cert: Buffer;
  /** SNI names that clients sent, in order. */
  readonly serverNames: readonly (string | false)[];
  stop(): Promise<void>;
}

export async function startTlsProxy(targetPort: number): Promise<TlsProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cuecast-tls-'));
  try {
    const { certPath, keyPath } = writeSelfSignedCert(dir);
    const cert = readFileSync(certPath);
    const key = readFileSync(keyPath);
    const serverNames: (string | false)[] = [];
    const sockets = new Set<net.Socket>();
    const server = tls.createServer({ cert, key }, (client) => {
      serverNames.push(client.servername ?? false);
      const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as net.AddressInfo).port,
      cert,
      serverNames,
      stop: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
