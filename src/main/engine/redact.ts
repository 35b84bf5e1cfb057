// Secrets are not settings (STYLE.md rule 10): every line an output logs or reports
// passes through here first, so a stream key never reaches a log or the operator's UI.
import type { Logger } from './logger';

const MASK = '***';

/**
 * Replaces every occurrence of `secret` in `text`, and its URL-encoded form (a key
 * may reach a message inside a URL). Secrets shorter than 3 characters are still
 * masked: a short key is a bad key, not a reason to leak it.
 */
export function redactSecret(text: string, secret: string | null | undefined): string {
  if (!secret) return text;
  let out = text.split(secret).join(MASK);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) out = out.split(encoded).join(MASK);
  return out;
}

/**
 * Cuts every URL in `text` down to scheme://host: paths, queries and credentials
 * carry stream keys and SRT passphrases, and must not reach a log or the operator.
 */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#'"]*)[^\s'"]*/gi, (_m, scheme: string, authority: string) => {
    const host = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
    return `${scheme}://${host}`;
  });
}

/** Every secret in `secrets` replaced by *** in `text`. */
export function redactAll(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => redactSecret(out, secret), text);
}

/** A logger that can never print any of `secrets` (a stream key, a passphrase). */
export function redactingLogger(logger: Logger, secrets: readonly string[]): Logger {
  return {
    info: (m) => logger.info(redactAll(m, secrets)),
    warn: (m) => logger.warn(redactAll(m, secrets)),
    error: (m) => logger.error(redactAll(m, secrets)),
    child: (scope) => redactingLogger(logger.child(redactAll(scope, secrets)), secrets),
  };
}

/** "250 ms", "4.0 s": a delay as operators read it in errors and logs. */
export function formatDelay(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
