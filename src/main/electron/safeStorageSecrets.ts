// Stream keys at rest (STYLE.md rule 10): sealed by the OS keychain through Electron's
// safeStorage (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux).
import { safeStorage } from 'electron';
import type { SecretBox } from '../studio/secretBox';

/**
 * Only usable after app 'ready'. Refuses to seal when the OS offers no real keychain
 * (Linux "basic_text" backend encrypts with a hard-coded password): the caller then
 * falls back to the documented file-key box instead of pretending.
 */
export function createSafeStorageSecretBox(): SecretBox {
  return {
    encrypt(plain: string): string {
      return safeStorage.encryptString(plain).toString('base64');
    },
    decrypt(sealed: string): string {
      return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    },
  };
}

/** True when safeStorage is backed by a real OS secret store. */
export function safeStorageIsStrong(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
}
