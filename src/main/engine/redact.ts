// Secrets are not settings (STYLE.md rule 10): every line an output logs or reports
// passes through here first, so a stream key never reaches a log or the operator's UI.

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
