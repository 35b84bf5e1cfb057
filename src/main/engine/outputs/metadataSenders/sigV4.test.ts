// Known answers from AWS's published Signature Version 4 test suite (the "aws-sig-v4-test-suite"
// cases, with its documented example credentials and time): values nobody here computed.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { awsUriEncode, signV4, type SigV4Request } from './sigV4';

const SUITE: Omit<SigV4Request, 'method' | 'url' | 'body'> = {
  region: 'us-east-1',
  service: 'service',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  now: new Date('2015-08-30T12:36:00Z'),
};
const SCOPE = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('signV4 against the AWS SigV4 test suite', () => {
  it('get-vanilla', () => {
    const r = signV4({ ...SUITE, method: 'GET', url: 'https://example.amazonaws.com/', body: '' });
    expect(r.canonicalRequest).toBe(`GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`);
    expect(r.headers['x-amz-date']).toBe('20150830T123600Z');
    expect(r.headers.authorization).toBe(
      `${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    );
  });

  it('post-vanilla', () => {
    const r = signV4({ ...SUITE, method: 'POST', url: 'https://example.amazonaws.com/', body: '' });
    expect(r.signature).toBe('5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  });

  it('get-vanilla-query-order-key-case: parameters sorted by name', () => {
    const r = signV4({ ...SUITE, method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1', body: '' });
    expect(r.canonicalRequest.split('\n')[2]).toBe('Param1=value1&Param2=value2');
    expect(r.stringToSign.split('\n')[3]).toBe('816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0');
    expect(r.signature).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('get-vanilla-query-order-key: equal names sorted by value, byte order', () => {
    const r = signV4({ ...SUITE, method: 'GET', url: 'https://example.amazonaws.com/?Param1=value2&Param1=Value1', body: '' });
    expect(r.canonicalRequest.split('\n')[2]).toBe('Param1=Value1&Param1=value2');
    expect(r.signature).toBe('eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1');
  });

  it('post-x-www-form-urlencoded: the body is hashed and content-type signed', () => {
    const r = signV4({
      ...SUITE,
      method: 'POST',
      url: 'https://example.amazonaws.com/',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Param1=value1',
    });
    expect(r.canonicalRequest.endsWith('\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e')).toBe(true);
    expect(r.stringToSign.split('\n')[3]).toBe('42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281');
    expect(r.headers.authorization).toBe(
      `${SCOPE}, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a`,
    );
  });

  it('signs and sends a session token, and a different body gives a different signature', () => {
    const base = { ...SUITE, method: 'POST', url: 'https://ivs.us-west-2.amazonaws.com/PutMetadata', body: '{"a":1}' };
    const plain = signV4(base);
    const withToken = signV4({ ...base, credentials: { ...SUITE.credentials, sessionToken: 'TOKEN' } });
    expect(withToken.headers['x-amz-security-token']).toBe('TOKEN');
    expect(withToken.headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
    expect(signV4({ ...base, body: '{"a":2}' }).signature).not.toBe(plain.signature);
    expect(plain.canonicalRequest.endsWith(createHash('sha256').update('{"a":1}').digest('hex'))).toBe(true);
  });

  it('encodes what encodeURIComponent leaves alone', () => {
    expect(awsUriEncode("a b+c/d!'()*~é")).toBe('a%20b%2Bc%2Fd%21%27%28%29%2A~%C3%A9');
  });
});
