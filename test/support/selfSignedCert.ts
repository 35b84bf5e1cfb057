// A throw-away self-signed certificate for "localhost" (openssl, one day), for the
// TLS servers tests run: the RTMPS front and nginx over HTTPS.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Writes cert.pem and key.pem into `dir` and returns their paths. */
export function writeSelfSignedCert(dir: string): { certPath: string; keyPath: string } {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', keyPath, '-out', certPath],
    { stdio: 'ignore', timeout: 15_000 },
  );
  return { certPath, keyPath };
}
