// Bad configuration is refused clearly and changes nothing: no request, no throw
// into the stream, an error the operator can read that never repeats a secret.
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../logger';
import { checkMetadataSenderConfig, createMetadataSender } from './createMetadataSender';
import { IvsMetadataSender } from './ivsMetadataSender';
import { parseWebhookUrl, webhookSignature, WebhookSender, WebhookUrlError } from './webhookSender';

const frameWithMessage = {
  type: 'video', dtsMs: 0, ptsMs: 0, keyframe: true, data: Buffer.alloc(4), frame: 0,
  metadata: [{ v: 1, kind: 'sales', sales: { orders: 1, units: 1, gmv: 1, currency: 'EUR' }, wallTimeMs: 1, frame: 0 }],
} as const;

describe('parseWebhookUrl', () => {
  it('accepts http(s), moves credentials to Basic auth, and shows only scheme://host', () => {
    const t = parseWebhookUrl(' https://bob:s%40cret@shop.example:8443/hooks/T0K3N?sig=abc#frag ');
    expect(t.url).toBe('https://shop.example:8443/hooks/T0K3N?sig=abc');
    expect(t.display).toBe('https://shop.example:8443');
    expect(t.basicAuth).toBe(`Basic ${Buffer.from('bob:s@cret').toString('base64')}`);
    expect(t.secrets).toContain('s@cret');
    expect(t.secrets).toContain('sig=abc');
  });

  it('refuses what is not an http(s) URL, saying why', () => {
    expect(() => parseWebhookUrl('shop.example/hook')).toThrow(/not a URL: expected something like https:/);
    expect(() => parseWebhookUrl('ftp://shop.example/hook')).toThrow(/unsupported scheme "ftp"/);
    expect(() => parseWebhookUrl('rtmp://x/y')).toThrow(WebhookUrlError);
  });
});

describe('webhookSignature', () => {
  it('is sha256= and the hex HMAC-SHA256 of "timestamp.body", UTF-8 throughout', () => {
    // Computed with openssl, not with node:crypto:
    // printf '1700000000000.{"a":1}' | openssl dgst -sha256 -hmac 'k'
    expect(webhookSignature('k', 1_700_000_000_000, '{"a":1}')).toBe('sha256=4284e27cb13c82554d08fc92e741b8ae1c126aa41c93a3060481666c36909b51');
    // printf '1700000000000.{"msg":"€"}' | openssl dgst -sha256 -hmac 'whsec-€'
    expect(webhookSignature('whsec-€', 1_700_000_000_000, '{"msg":"€"}')).toBe('sha256=24556186a181b588601f057745278f4dec0b4f0f47df54478db671a725b07366');
  });
});

describe('bad configuration', () => {
  it('a webhook with a bad URL does not throw, reports at start() and sends nothing', () => {
    const logger = createMemoryLogger();
    const s = new WebhookSender({ name: 'Shop', url: 'htp:/shop?key=SECRET-IN-URL', secret: 'whsec', logger });
    expect(() => s.start()).not.toThrow();
    expect(s.state).toBe('failing');
    expect(s.stats().lastError).toBe('Webhook "Shop": bad URL: unsupported scheme "htp": a webhook URL starts with https:// (or http://)');
    expect(() => s.onFrame(frameWithMessage)).not.toThrow();
    expect(s.stats().queueDepth).toBe(0);
    expect(logger.lines.join('\n')).not.toContain('SECRET-IN-URL');
  });

  it('refuses bad limits', () => {
    const s = new WebhookSender({ name: 'Shop', url: 'https://shop.example/h', secret: '', logger: createMemoryLogger(), maxPerSecond: 0 });
    s.start();
    expect(s.state).toBe('failing');
    expect(s.stats().lastError).toContain('calls per second must be a whole number ≥ 1');
  });

  it('an IVS sender with a bad ARN or missing key is refused the same way', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    const badArn = new IvsMetadataSender({ name: 'IVS', channelArn: 'arn:aws:ivs:us-west-2:123:stage/x', credentials, logger: createMemoryLogger() });
    badArn.start();
    expect(badArn.stats()).toMatchObject({ state: 'failing', lastError: 'IVS "IVS": the channel ARN should look like arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf12' });
    await badArn.stop();
    expect(badArn.state).toBe('idle');
    const noKey = new IvsMetadataSender({ name: 'IVS', channelArn: 'arn:aws:ivs:us-west-2:123456789012:channel/abc', credentials: { ...credentials, secretAccessKey: '' }, logger: createMemoryLogger() });
    noKey.start();
    expect(noKey.stats().lastError).toBe('IVS "IVS": the AWS secret access key is missing');
  });
});

describe('checkMetadataSenderConfig / createMetadataSender', () => {
  it('refuses bad settings with a reason and accepts good ones', () => {
    expect(checkMetadataSenderConfig({ kind: 'webhook', url: 'https://shop.example/hook', secret: '' })).toBeNull();
    expect(checkMetadataSenderConfig({ kind: 'webhook', url: 'mailto:ops@shop.example', secret: 's' })).toBe(
      'bad webhook URL: unsupported scheme "mailto": a webhook URL starts with https:// (or http://)',
    );
    const arn = 'arn:aws:ivs:eu-west-1:123456789012:channel/abcDEF123';
    expect(checkMetadataSenderConfig({ kind: 'ivs', channelArn: arn, accessKeyId: 'AKIDEXAMPLE', secret: 'x' })).toBeNull();
    expect(checkMetadataSenderConfig({ kind: 'ivs', channelArn: 'channel/abc', accessKeyId: 'AKIDEXAMPLE', secret: 'x' })).toMatch(/^the channel ARN should look like/);
    expect(checkMetadataSenderConfig({ kind: 'ivs', channelArn: arn, accessKeyId: 'AKID EXAMPLE', secret: 'x' })).toBe('the AWS access key id is missing or malformed');
  });

  it('builds the sender of the configured kind', () => {
    const logger = createMemoryLogger();
    expect(createMetadataSender('A', { kind: 'webhook', url: 'https://shop.example/h', secret: '' }, logger)).toBeInstanceOf(WebhookSender);
    const ivs = createMetadataSender('B', { kind: 'ivs', channelArn: 'arn:aws:ivs:eu-west-1:1:channel/a', accessKeyId: 'AK', secret: 'S' }, logger, { maxPerSecond: 3 });
    expect(ivs).toBeInstanceOf(IvsMetadataSender);
    ivs.start();
    expect(ivs.state).toBe('ok');
  });
});
