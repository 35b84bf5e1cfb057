import { describe, expect, it } from 'vitest';
import type { SourceSpec } from '../../../shared/model';
import { redactUrls } from '../redact';
import { operatorReason } from './sourceReasons';

const feed = (url: string): SourceSpec => ({ kind: 'networkFeed', name: 'Remote', url });

describe('operatorReason', () => {
  it('drops the input URL ffmpeg prefixes and never shows keys or passwords', () => {
    const rtmp = feed('rtmp://user:pw@ingest.example.com/live/SECRETKEY');
    expect(operatorReason('rtmp://user:pw@ingest.example.com/live/SECRETKEY: Connection refused', rtmp)).toBe(
      'nothing answers at this address and port (connection refused) (ffmpeg: Connection refused)',
    );
    expect(operatorReason('Connection to tcp://127.0.0.1:9 failed: Connection refused', rtmp)).toMatch(/^nothing answers/);
    const other = operatorReason('Server error: rtmp://user:pw@ingest.example.com/live/SECRETKEY?token=abc rejected', rtmp);
    expect(other).not.toMatch(/SECRETKEY|pw|token/);
    expect(other).toContain('rtmp://ingest.example.com');
    expect(redactUrls('see srt://h:9000?passphrase=hunter22')).toBe('see srt://h:9000');
    expect(operatorReason('/media/clip.mp4: No such file or directory', { kind: 'mediaFile', name: 'Clip', path: '/media/clip.mp4' })).toBe('No such file or directory');
  });

  // Each line is what ffmpeg 5.1 printed against a real server (networkFeeds.int.test.ts
  // and by hand): nginx-rtmp, GStreamer's RTSP server, nginx over HTTP(S), srt-live-transmit.
  it.each([
    ['rtmp://127.0.0.1:1935/live/cam', 'Server error: No such stream', /^nothing is publishing this stream/],
    ['rtmp://127.0.0.1:1935/wrongapp/cam', 'rtmp://127.0.0.1:1935 Input/output error', /^the server closed the connection: check the application name/],
    ['rtmps://localhost:1935/live/cam', 'Error in the pull function.', /^the secure \(TLS\) connection failed/],
    ['rtsp://127.0.0.1:8554/wrong', 'method DESCRIBE failed: 404 Not Found', /^the camera has no stream at this path \(RTSP 404\)/],
    ['rtsp://admin:x@127.0.0.1:8554/cam', 'method DESCRIBE failed: 401 Unauthorized', /^the camera refused the user name or password/],
    ['https://cdn.example/live/missing.m3u8', 'HTTP error 404 Not Found', /^not found on the server \(HTTP 404\)/],
    ['https://cdn.example/live/cam.flv?token=old', 'HTTP error 403 Forbidden', /^the server refused access/],
    ['srt://h:9000?passphrase=hunter22', 'srt://h:9000?passphrase=hunter22&mode=caller: Input/output error', /^SRT connection failed/],
    ['rtmp://no-such-host.invalid/live/cam', 'Failed to resolve hostname no-such-host.invalid: Name or service not known', /^cannot find the host no-such-host\.invalid/],
  ])('%s: "%s"', (url, printed, expected) => {
    const said = operatorReason(printed, feed(url));
    expect(said).toMatch(expected);
    expect(said).toContain('(ffmpeg: ');
    expect(said).not.toMatch(/hunter22|admin:x|token=/);
  });

  it('leaves an unknown error as ffmpeg wrote it', () => {
    expect(operatorReason('Invalid data found when processing input', feed('tcp://h:9000'))).toBe('Invalid data found when processing input');
    // An I/O error on another scheme is not blamed on an RTMP application name.
    expect(operatorReason('Input/output error', feed('tcp://h:9000'))).toBe('Input/output error');
  });
});
