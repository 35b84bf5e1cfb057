// What the studio comes up with when there is no configuration at all: the three
// demo cameras of a commerce show, the layouts a seller uses daily, the built-in
// rehearsal ingest and a local recording, so Go Live works on first start.
import type { ShowConfig } from './showStore';

export function demoShow(recordingFolder: string): ShowConfig {
  return {
    version: 1,
    canvas: { width: 1280, height: 720, fps: 30 },
    encoder: { videoBitrateKbps: 2500, audioBitrateKbps: 128, keyframeIntervalSec: 2, x264Preset: 'auto' },
    transition: { kind: 'mix', durationMs: 500, dipColor: '#000000' },
    sources: [
      { id: 'src-1', spec: { kind: 'testPattern', name: 'Showroom', color: '#2e6bd8', toneHz: 440 } },
      { id: 'src-2', spec: { kind: 'testPattern', name: 'Farm', color: '#2f9e44', toneHz: 554 } },
      { id: 'src-3', spec: { kind: 'testPattern', name: 'Factory', color: '#e8590c', toneHz: 659 } },
    ],
    scenes: [
      { id: 'scn-4', name: 'Close-up inset', layout: 'pip', sources: ['src-1', 'src-3'] },
      { id: 'scn-5', name: 'Host + Farm', layout: 'sideBySide', sources: ['src-1', 'src-2'] },
    ],
    outputs: [
      { id: 'out-6', name: 'Rehearsal (local)', kind: 'rtmp', target: 'rtmp://127.0.0.1/live', sealedKey: null, builtIn: true },
      { id: 'out-7', name: 'Recording', kind: 'record', target: recordingFolder, sealedKey: null },
    ],
    program: 'src-1',
    preview: 'src-2',
    nextId: 8,
  };
}
