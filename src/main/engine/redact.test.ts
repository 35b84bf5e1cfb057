import { describe, expect, it } from 'vitest';
import { redactSecret } from './redact';

describe('redactSecret', () => {
  it('masks every occurrence, plain and URL-encoded', () => {
    expect(redactSecret('key abc/123 in rtmp://h/live/abc%2F123 and abc/123', 'abc/123')).toBe('key *** in rtmp://h/live/*** and ***');
  });
  it('leaves text alone without a secret', () => {
    expect(redactSecret('nothing here', '')).toBe('nothing here');
    expect(redactSecret('nothing here', undefined)).toBe('nothing here');
  });
});
