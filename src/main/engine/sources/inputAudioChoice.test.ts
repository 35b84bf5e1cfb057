// What a source reports of its sound before and after its input is found silent.
import { describe, expect, it } from 'vitest';
import { InputAudioChoice } from './inputAudioChoice';

/** One process whose ffmpeg found no audio to map, ending after `frames` frames. */
function runWithoutAudio(choice: InputAudioChoice, frames: number): boolean {
  choice.processStarting(() => undefined);
  choice.noteLog("Stream map '0:a:0' matches no streams.");
  return choice.processEnded(frames);
}

describe('InputAudioChoice', () => {
  it('knows from the spec alone that a test pattern without a tone or a device without an audio input has no sound', () => {
    expect(new InputAudioChoice({ kind: 'testPattern', name: 'T', color: '#000000', toneHz: 0 }).hasAudio).toBe(false);
    expect(new InputAudioChoice({ kind: 'testPattern', name: 'T', color: '#000000', toneHz: 440 }).hasAudio).toBe(true);
    expect(new InputAudioChoice({ kind: 'captureDevice', name: 'C', backend: 'v4l2', device: '/dev/video0' }).hasAudio).toBe(false);
    expect(new InputAudioChoice({ kind: 'captureDevice', name: 'C', backend: 'v4l2', device: '/dev/video0', audioDevice: 'hw:1' }).hasAudio).toBe(true);
  });

  it('a file found without audio stays silent; a feed asks for its audio again when it reconnects', () => {
    const file = new InputAudioChoice({ kind: 'mediaFile', name: 'F', path: '/tmp/x.mp4' });
    expect(runWithoutAudio(file, 0)).toBe(true);
    expect(file.mode).toBe('silence');
    expect(file.hasAudio).toBe(false);
    file.processStarting(() => undefined);
    expect(file.processEnded(100)).toBe(false);
    expect(file.mode).toBe('silence');

    const feed = new InputAudioChoice({ kind: 'networkFeed', name: 'N', url: 'srt://127.0.0.1:9000' });
    expect(runWithoutAudio(feed, 0)).toBe(true);
    expect(feed.hasAudio).toBe(false);
    feed.processStarting(() => undefined);
    expect(feed.processEnded(500)).toBe(false); // the feed was lost after showing pictures
    expect(feed.mode).toBe('input');
    expect(feed.hasAudio).toBe(true);
  });

  it('a process that showed frames is not retried with silence, and the operator restart asks for audio again', () => {
    const file = new InputAudioChoice({ kind: 'mediaFile', name: 'F', path: '/tmp/x.mp4' });
    expect(runWithoutAudio(file, 3)).toBe(false);
    expect(file.mode).toBe('input');
    expect(runWithoutAudio(file, 0)).toBe(true);
    file.reset();
    expect(file.mode).toBe('input');
  });
});
