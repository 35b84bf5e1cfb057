import { describe, expect, it } from 'vitest';
import type { EventName, EventPayloads, StudioApi } from '../shared/contract';
import type { StudioSnapshot, SwitcherState } from '../shared/model';
import { buildStudioApi } from './buildStudioApi';
import { listInputs, tallyOf } from './inputs';
import { StudioStore } from './studioStore';
import type { ConnectionState, StudioConnection } from './webSocketStudio';

const switcher: SwitcherState = {
  program: 'a',
  preview: 'b',
  transition: { kind: 'mix', durationMs: 500, dipColor: '#000000' },
  transitionProgress: null,
  fadeToBlack: { black: false, progress: null },
  tally: { a: { program: true, preview: false }, b: { program: false, preview: true } },
  audio: { mode: 'follow', fixedSourceId: null },
  programLevelDb: [-120, -120],
};

function snapshot(frame: number, log: StudioSnapshot['log'] = []): StudioSnapshot {
  const source = (id: string) => ({
    id,
    spec: { kind: 'testPattern' as const, name: id.toUpperCase(), color: '#112233', toneHz: 0 },
    state: 'live' as const,
    reason: null,
    fps: 30,
    reconnects: 0,
    audioLevelDb: -120,
    hasAudio: false,
  });
  return {
    canvas: { width: 1280, height: 720, fps: 30 },
    encoder: { videoBitrateKbps: 2500, audioBitrateKbps: 128, keyframeIntervalSec: 2, x264Preset: 'auto' },
    sources: [source('a'), source('b'), source('c')],
    scenes: [{ id: 's', name: 'Scene', layout: 'pip', sources: ['a', 'c'] }],
    switcher,
    outputs: [],
    health: { programFps: 30, programFrame: frame, cpuPercent: 0, encoderSpeed: null, encoderFps: null, droppedFrames: 0, encoderLabel: null },
    onAir: false,
    log,
    previewUrlTemplate: null,
    encoderProbe: null,
    metadata: { timeline: [], onTime: 0, late: 0, repeats: 0, dropped: 0 },
    commerce: {
      rundown: { revision: 1, title: 'Show', segments: [], onAir: null, nextId: null, graphics: { productCard: true, salesTicker: false, orderShoutOut: true } },
      teleprompter: { mirror: false, speed: 60, running: false, fontSizePx: 72, jump: null, message: null },
      orders: {
        currency: 'EUR', orders: 0, units: 0, gmv: 0, perMinute: 0, perSku: [], perSegment: [], latest: [],
        rejected: { badSignature: 0, badRequest: 0, tooLarge: 0 }, duplicates: 0, unknownSku: 0, receiverUrl: null, adapters: [], simulating: false,
      },
    },
  };
}

/** A connection whose getState answer the test releases by hand. */
function fakeConnection() {
  const listeners = new Map<string, ((data: unknown) => void)[]>();
  const stateListeners: ((s: ConnectionState) => void)[] = [];
  const answers: ((s: StudioSnapshot) => void)[] = [];
  let state: ConnectionState = 'connecting';
  const on = <E extends EventName>(event: E, cb: (data: EventPayloads[E]) => void) => {
    const list = listeners.get(event) ?? [];
    list.push(cb as (data: unknown) => void);
    listeners.set(event, list);
    return () => undefined;
  };
  const api: StudioApi = buildStudioApi(
    (name) => (name === 'studio:getState' ? new Promise((resolve) => answers.push(resolve)) : Promise.resolve({ ok: true })),
    on,
  );
  const connection: StudioConnection = {
    api,
    state: () => state,
    onState: (cb) => {
      stateListeners.push(cb);
      return () => undefined;
    },
  };
  return {
    connection,
    emit: <E extends EventName>(event: E, data: EventPayloads[E]) => listeners.get(event)?.forEach((cb) => cb(data)),
    setState: (s: ConnectionState) => {
      state = s;
      stateListeners.forEach((cb) => cb(s));
    },
    answerGetState: (s: StudioSnapshot) => answers.shift()?.(s),
  };
}

describe('StudioStore', () => {
  it('asks for the state when the link opens and does not let an older answer overwrite a newer event', async () => {
    const fake = fakeConnection();
    const store = new StudioStore(fake.connection);
    store.start();
    expect(store.getView().connection).toBe('connecting');
    fake.setState('open');
    fake.emit('studio:state', snapshot(200));
    fake.answerGetState(snapshot(100));
    await Promise.resolve();
    expect(store.getView().snapshot?.health.programFrame).toBe(200);
    expect(store.getView().connection).toBe('open');
  });

  it('applies frame-exact tally ahead of the next snapshot and keeps each log line once', () => {
    const fake = fakeConnection();
    const store = new StudioStore(fake.connection);
    store.start();
    const line = { at: 1, level: 'error' as const, message: 'source Farm: refused' };
    fake.emit('studio:state', snapshot(1, [line]));
    fake.emit('studio:log', line);
    fake.emit('studio:log', { at: 2, level: 'info', message: 'cut' });
    expect(store.getView().log.map((l) => l.message)).toEqual(['source Farm: refused', 'cut']);

    const before = store.getView();
    fake.emit('switcher:tally', { frame: 5, switcher: { ...switcher, program: 'b', preview: 'a' } });
    expect(store.getView()).not.toBe(before);
    expect(store.getView().snapshot?.switcher.program).toBe('b');
  });
});

describe('inputs', () => {
  it('numbers sources then scenes, and programme tally wins over preview', () => {
    const s = snapshot(1);
    expect(listInputs(s).map((i) => `${i.number}:${i.id}`)).toEqual(['1:a', '2:b', '3:c', '4:s']);
    expect(tallyOf(s.switcher, 'a')).toBe('program');
    expect(tallyOf(s.switcher, 'b')).toBe('preview');
    expect(tallyOf(s.switcher, 'c')).toBe('none');
    const both = { ...s.switcher, tally: { c: { program: true, preview: true } } };
    expect(tallyOf(both, 'c')).toBe('program');
  });
});
