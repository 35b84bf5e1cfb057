import { describe, expect, it } from 'vitest';
import { parseRtmpUrl, RtmpUrlError } from './rtmpUrl';

describe('parseRtmpUrl', () => {
  it('applies the default ports', () => {
    expect(parseRtmpUrl('rtmp://a.rtmp.youtube.com/live2')).toEqual({
      secure: false,
      host: 'a.rtmp.youtube.com',
      port: 1935,
      app: 'live2',
      tcUrl: 'rtmp://a.rtmp.youtube.com:1935/live2',
    });
    expect(parseRtmpUrl('rtmps://live-api-s.facebook.com/rtmp/')).toMatchObject({ secure: true, port: 443, app: 'rtmp' });
  });

  it('keeps an explicit port, deeper paths and the query in the app', () => {
    expect(parseRtmpUrl(' RTMP://127.0.0.1:19350/live/sub?token=abc ')).toEqual({
      secure: false,
      host: '127.0.0.1',
      port: 19350,
      app: 'live/sub?token=abc',
      tcUrl: 'rtmp://127.0.0.1:19350/live/sub?token=abc',
    });
  });

  it.each([
    ['', /empty/],
    ['live.example.com/app', /not a URL/],
    ['http://example.com/live', /unsupported scheme "http:\/\/".*rtmp:\/\//],
    ['srt://example.com:9000', /unsupported scheme/],
    ['rtmp://', /not a valid URL|no host/],
    ['rtmp://example.com', /no application name/],
    ['rtmp://example.com/', /no application name/],
    ['rtmp://example.com:99999/live', /not a valid URL|bad port/],
  ])('rejects %j with a clear message', (url, message) => {
    expect(() => parseRtmpUrl(url)).toThrow(RtmpUrlError);
    expect(() => parseRtmpUrl(url)).toThrow(message);
  });
});
