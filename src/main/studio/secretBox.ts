// Secrets are not settings (STYLE.md rule 10): stream keys are stored sealed. In the
// Electron app the box is Electron's safeStorage (OS keychain). The headless host,
// which has no keychain, uses AES-256-GCM with a random key kept in a file readable
// only by the owner (0600) next to the settings: it keeps keys out of the settings
// file and backups of it, but anyone who can read that key file can open them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export function createFileKeySecretBox(dataDir: string): SecretBox {
  mkdirSync(dataDir, { recursive: true });
  const keyPath = join(dataDir, 'secrets.key');
  if (!existsSync(keyPath)) writeFileSync(keyPath, randomBytes(32).toString('base64'), { mode: 0o600 });
  const key = Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'base64');
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('sealed secret is not in a known format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}
