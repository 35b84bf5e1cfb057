import { describe, expect, it } from 'vitest';
import { parseSrtUrl, SrtUrlError } from './srtUrl';

const PASS = 'correct-horse-battery';

describe('parseSrtUrl', () => {
  it('reads host and port, and gives ffmpeg a caller URL with a latency in microseconds', () => {
    const t = parseSrtUrl(' srt://ingest.example.net:9000 ');
    expect(t).toMatchObject({ host: 'ingest.example.net', port: 9000, displayUrl: 'srt://ingest.example.net:9000', latencyUs: 120_000, secrets: [] });
    expect(t.ffmpegUrl).toBe('srt://ingest.example.net:9000?mode=caller&latency=120000');
    expect(parseSrtUrl('srt://10.0.0.5:9000/', { defaultLatencyMs: 2000 }).ffmpegUrl).toBe('srt://10.0.0.5:9000?mode=caller&latency=2000000');
    expect(parseSrtUrl('srt://[::1]:7001').ffmpegUrl).toBe('srt://[::1]:7001?mode=caller&latency=120000');
  });

  it("passes the operator's options through as typed and keeps their latency", () => {
    const t = parseSrtUrl(`srt://1.2.3.4:5000?mode=caller&latency=2000000&passphrase=${PASS}&streamid=#!::r=live/show,m=publish`);
    expect(t.ffmpegUrl).toBe(`srt://1.2.3.4:5000?mode=caller&latency=2000000&passphrase=${PASS}&streamid=#!::r=live/show,m=publish`);
    expect(t.latencyUs).toBe(2_000_000);
    expect(t.secrets).toEqual([PASS, '#!::r=live/show,m=publish']);
  });

  it('sends the stream key as the stream id, and counts it as a secret', () => {
    const t = parseSrtUrl('srt://1.2.3.4:5000?latency=500000', { streamKey: 'live_123_abc' });
    expect(t.ffmpegUrl).toBe('srt://1.2.3.4:5000?mode=caller&streamid=live_123_abc&latency=500000');
    expect(t.secrets).toEqual(['live_123_abc']);
    expect(() => parseSrtUrl('srt://1.2.3.4:5000?streamid=a', { streamKey: 'b' })).toThrow(/either in the URL or as the stream key/);
    expect(() => parseSrtUrl('srt://1.2.3.4:5000', { streamKey: 'a&b' })).toThrow(/cannot be sent as an SRT stream id/);
  });

  it('rejects other schemes, a missing or bad port, and a path, naming the problem', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['ingest.example.net:9000', /not a URL|unsupported scheme/],
      ['rtmp://ingest.example.net/live', /unsupported scheme "rtmp:\/\/".*use srt:\/\/host:port/],
      ['udp://1.2.3.4:9000', /unsupported scheme "udp:\/\/"/],
      ['srt://ingest.example.net', /no port in "srt:\/\/ingest\.example\.net": SRT has no default port/],
      ['srt://ingest.example.net:', /no port/],
      ['srt://ingest.example.net?latency=1', /no port/],
      ['srt://ingest.example.net:0', /bad port "0"/],
      ['srt://ingest.example.net:65536', /bad port "65536"/],
      ['srt://ingest.example.net:90a0', /bad port "90a0"/],
      ['srt://ingest.example.net:-1', /bad port "-1"/],
      ['srt://:9000', /no host/],
      ['srt://host:9000/live/key', /is not an SRT URL/],
    ];
    for (const [url, message] of cases) {
      expect(() => parseSrtUrl(url), url).toThrow(SrtUrlError);
      expect(() => parseSrtUrl(url), url).toThrow(message);
    }
  });

  it('catches a latency written in milliseconds, a listener mode and a bad passphrase', () => {
    expect(() => parseSrtUrl('srt://h:1?latency=200')).toThrow('latency=200 is in microseconds in srt:// URLs, i.e. under 1 ms; for 200 ms write latency=200000');
    expect(() => parseSrtUrl('srt://h:1?rcvlatency=abc')).toThrow(/not a number of microseconds/);
    expect(() => parseSrtUrl('srt://h:1?mode=listener')).toThrow(/mode=listener is not supported/);
    expect(() => parseSrtUrl('srt://h:1?pbkeylen=20')).toThrow(/16, 24 or 32/);
    expect(() => parseSrtUrl('srt://h:1?passphrase=short')).toThrow('the SRT passphrase must be 10 to 79 characters (it has 5)');
  });

  it('never puts a passphrase or stream id in an error', () => {
    const secret = 'super-secret-value-1';
    for (const url of [`rtmp://h/app?passphrase=${secret}`, `srt://h?passphrase=${secret}`, `srt://h:0?streamid=${secret}`, `srt://h:1?passphrase=${secret}&latency=5`, `srt://h:1?streamid=${secret}&mode=rendezvous`]) {
      let message = '';
      try {
        parseSrtUrl(url);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, url).not.toBe('');
      expect(message, url).not.toContain(secret);
    }
  });
});
