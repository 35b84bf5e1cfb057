import { describe, expect, it } from 'vitest';
import {
  destinationCounts,
  formatBytes,
  formatClock,
  formatPts,
  isRunning,
  protocolLabel,
  splitPlaceholders,
  urlPlaceholders,
} from './destinationFormat';

describe('destination formatting', () => {
  it('writes queue depths in B, KB and MB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(15_872)).toBe('15.5 KB');
    expect(formatBytes(3 * 1024 * 1024 + 512 * 1024)).toBe('3.5 MB');
    expect(formatBytes(Number.NaN)).toBe('0 B');
  });

  it('writes times as HH:MM:SS.mmm in local time and pts in seconds', () => {
    const at = new Date(2025, 0, 2, 9, 5, 7, 42).getTime();
    expect(formatClock(at)).toBe('09:05:07.042');
    expect(formatPts(12_345)).toBe('12.345 s');
    expect(formatPts(null)).toBe('—');
  });

  it('finds the placeholders left in a preset URL and splits them out for highlighting', () => {
    expect(urlPlaceholders('rtmp://{host}:1935/live')).toEqual(['{host}']);
    expect(urlPlaceholders('srt://{host}:{port}?streamid={streamid}')).toEqual(['{host}', '{port}', '{streamid}']);
    expect(urlPlaceholders('rtmp://127.0.0.1:1935/live')).toEqual([]);
    expect(splitPlaceholders('rtmp://{host}/live')).toEqual([
      { text: 'rtmp://', placeholder: false },
      { text: '{host}', placeholder: true },
      { text: '/live', placeholder: false },
    ]);
  });

  it('labels protocols, running states and counts', () => {
    expect(protocolLabel({ kind: 'rtmp', target: 'rtmps://a.rtmps.youtube.com:443/live2' })).toBe('RTMPS');
    expect(protocolLabel({ kind: 'rtmp', target: 'rtmp://127.0.0.1/live' })).toBe('RTMP');
    expect(protocolLabel({ kind: 'srt', target: 'srt://h:9000' })).toBe('SRT');
    expect(protocolLabel({ kind: 'record', target: '/tmp' })).toBe('REC');
    expect(isRunning('live')).toBe(true);
    expect(isRunning('reconnecting')).toBe(true);
    expect(isRunning('idle')).toBe(false);
    expect(isRunning('error')).toBe(false);
    expect(destinationCounts([{ state: 'live' }, { state: 'idle' }, { state: 'live' }])).toBe('3 destinations, 2 live');
    expect(destinationCounts([{ state: 'connecting' }])).toBe('1 destination, 0 live');
  });
});
