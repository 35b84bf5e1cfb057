// One handler per request of the contract. The contract test asserts that every
// request name has a handler here.
import { StudioError, type ParsedParams, type RequestName, type RequestResults } from '../../shared/contract';
import { listCaptureDevices } from '../engine/sources/deviceDiscovery';
import { validateSourceSpec } from '../engine/sources/sourceArgs';
import { createCommerceHandlers } from './commerceRequests';
import { refuseEncoderSettings } from './encoderSelection';
import { OutputManager } from './outputManager';
import { encodeMetadata } from '../../shared/commerceMetadata';
import { ingestPreset } from '../../shared/ingestPresets';
import type { StoredMetadataSender } from './showStore';
import type { Studio } from './studio';

export type RequestHandlers = {
  [K in RequestName]: (params: ParsedParams<K>) => Promise<RequestResults[K]> | RequestResults[K];
};

const ok = { ok: true } as const;

export function createRequestHandlers(studio: Studio): RequestHandlers {
  const sw = () => studio.pipeline.switcher;
  const clock = () => studio.pipeline.clock;
  const requireOffAir = (what: string) => {
    if (studio.outputs.anyRunning) throw new StudioError('conflict', `Stop all outputs before changing the ${what}`);
  };

  return {
    'studio:getState': () => studio.snapshot(),
    'studio:getLog': () => ({ entries: studio.logEntriesCopy() }),

    'source:add': async ({ spec }) => {
      const problem = await validateSourceSpec(spec);
      if (problem) throw new StudioError('badRequest', problem);
      const id = studio.nextId('src');
      studio.addSourceWorker(id, spec);
      studio.updateShow((s) => ({ ...s, sources: [...s.sources, { id, spec }] }));
      studio.log('info', `Added source "${spec.name}"`);
      return { id };
    },
    'source:remove': async ({ id }) => {
      const source = studio.config.sources.find((s) => s.id === id);
      if (!source) throw new StudioError('notFound', `No source with id ${id}`);
      const usedBy = studio.config.scenes.find((s) => s.sources.includes(id));
      if (usedBy) throw new StudioError('conflict', `Source "${source.spec.name}" is used by layout "${usedBy.name}"; remove the layout first`);
      // Out of the show first: state snapshots go on while the worker's ffmpeg stops,
      // and must never list a source whose worker is already gone.
      studio.updateShow((s) => ({ ...s, sources: s.sources.filter((x) => x.id !== id) }));
      await studio.pipeline.removeSource(id);
      studio.log('info', `Removed source "${source.spec.name}"`);
      return ok;
    },
    'source:restart': ({ id }) => {
      const worker = studio.pipeline.sources.get(id);
      if (!worker) throw new StudioError('notFound', `No source with id ${id}`);
      worker.restart();
      return ok;
    },
    'devices:list': () => listCaptureDevices(studio.ffmpegPath),

    'scene:add': ({ name, layout, sources }) => {
      for (const s of sources) {
        if (!studio.pipeline.sources.has(s)) throw new StudioError('badRequest', `Layout "${name}": no source with id ${s}`);
      }
      const id = studio.nextId('scn');
      sw().addScene(id, { layout, sources });
      studio.updateShow((s) => ({ ...s, scenes: [...s.scenes, { id, name, layout, sources }] }));
      return { id };
    },
    'scene:remove': ({ id }) => {
      if (!studio.config.scenes.some((s) => s.id === id)) throw new StudioError('notFound', `No layout with id ${id}`);
      sw().removeScene(id);
      studio.updateShow((s) => ({ ...s, scenes: s.scenes.filter((x) => x.id !== id) }));
      return ok;
    },

    'switcher:preview': ({ input }) => {
      sw().setPreview(input);
      studio.emitTally(clock().upcomingFrame);
      studio.persist();
      return ok;
    },
    'switcher:cut': ({ input }) => {
      const frame = clock().upcomingFrame;
      sw().cut(frame, input);
      studio.persist();
      return { frame };
    },
    'switcher:auto': () => {
      const t = sw().auto(clock().upcomingFrame, studio.config.canvas.fps);
      return { startFrame: t.startFrame, endFrame: t.endFrame };
    },
    'switcher:fadeToBlack': () => sw().fadeToBlack(clock().upcomingFrame, studio.config.canvas.fps),
    'switcher:setTransition': (transition) => {
      sw().setTransition(transition);
      studio.updateShow((s) => ({ ...s, transition }));
      return ok;
    },
    'audio:setMode': ({ mode, sourceId }) => {
      sw().setAudio({ mode, fixedSourceId: mode === 'fixed' ? (sourceId ?? null) : null });
      studio.changed();
      return ok;
    },

    'canvas:set': async (canvas) => {
      requireOffAir('canvas');
      await studio.rebuildPipeline({ ...studio.config, canvas });
      studio.log('info', `Canvas is now ${canvas.width}x${canvas.height}@${canvas.fps}`);
      // Capabilities depend on the canvas (4K, portrait): re-check (a cache hit when seen before).
      if (studio.encoderProbe) studio.probeEncoders(false);
      return canvas;
    },
    'encoder:set': async (partial) => {
      requireOffAir('encoder settings');
      const encoder = { ...studio.config.encoder, ...partial };
      // Refused with the reason, not silently changed (issue: one settings model).
      const refused = refuseEncoderSettings(encoder, studio.encoderProbe);
      if (refused) throw new StudioError('badRequest', refused);
      studio.applyEncoderSettings(encoder);
      // Auto's choice depends on the settings (codec, B-frames): recompute it.
      studio.probeEncoders(false);
      return ok;
    },
    'encoder:probe': ({ force }) => studio.probeEncoders(force ?? false),
    'encoder:capabilities': () => {
      const current = studio.encoderProbeNow();
      return { result: current?.result ?? null, auto: current?.auto ?? null, probing: current?.state === 'probing' };
    },

    'metadata:send': ({ cut, ...fields }) => {
      const frame = clock().upcomingFrame;
      const message = { v: 1 as const, ...fields, wallTimeMs: Date.now(), frame };
      try {
        // Validate (and refuse oversize) before the cut, so a refusal changes nothing.
        encodeMetadata(message);
      } catch (err) {
        throw new StudioError('badRequest', (err as Error).message);
      }
      if (cut) sw().cut(frame, cut);
      studio.metadata.schedule(message, frame);
      studio.metadataTimeline.requested(message);
      // Every client sees it pending before its frame goes out (~1 frame later).
      studio.changedNow();
      if (cut) studio.persist();
      return { frame };
    },
    'output:add': ({ name, kind, target, streamKey, preset, cuePoints, metadataSender }) => {
      if (preset !== undefined) {
        const found = ingestPreset(preset);
        if (!found) throw new StudioError('badRequest', `Unknown ingest preset "${preset}"`);
        if ((found.protocol === 'srt') !== (kind === 'srt')) throw new StudioError('badRequest', `Preset "${found.name}" is an ${found.protocol.toUpperCase()} ingest, not ${kind}`);
      }
      OutputManager.validate(kind, target, { cuePoints, metadataSender });
      const id = studio.nextId('out');
      const sealedKey = streamKey ? studio.secrets.encrypt(streamKey) : null;
      studio.outputs.add({
        id,
        name,
        kind,
        target,
        sealedKey,
        presetId: preset ?? (kind === 'srt' ? 'custom-srt' : kind === 'rtmp' ? 'custom-rtmp' : undefined),
        cuePoints: cuePoints ?? false,
        metadataSender: metadataSender ? sealSender(studio, metadataSender) : null,
      });
      studio.persist();
      studio.changed();
      return { id };
    },
    'output:configure': ({ id, cuePoints, metadataSender }) => {
      studio.outputs.configure(id, {
        cuePoints,
        metadataSender: metadataSender === undefined ? undefined : metadataSender === null ? null : sealSender(studio, metadataSender),
      });
      studio.persist();
      studio.changed();
      return ok;
    },
    'output:remove': async ({ id }) => {
      if (!studio.outputs.has(id)) throw new StudioError('notFound', `No output with id ${id}`);
      await studio.outputs.remove(id);
      studio.persist();
      studio.changed();
      return ok;
    },
    'output:start': ({ id }) => {
      studio.outputs.start(id);
      return ok;
    },
    'output:stop': async ({ id }) => {
      await studio.outputs.stop(id);
      return ok;
    },
    'output:startAll': () => {
      const problems = studio.outputs.startAll();
      for (const problem of problems) studio.log('error', problem);
      if (problems.length > 0) studio.changed();
      return ok;
    },
    'output:stopAll': async () => {
      await studio.outputs.stopAll();
      return ok;
    },
    ...createCommerceHandlers(studio),
  };
}

/** Seals a sender's secret for storage; the plain secret never leaves this function. */
function sealSender(studio: Studio, sender: ParsedParams<'output:configure'>['metadataSender'] & object): StoredMetadataSender {
  if (sender.kind === 'webhook') {
    return { kind: 'webhook', url: sender.url, sealedSecret: sender.secret ? studio.secrets.encrypt(sender.secret) : null, maxPerSecond: sender.maxPerSecond };
  }
  return {
    kind: 'ivs',
    channelArn: sender.channelArn,
    accessKeyId: sender.accessKeyId,
    sealedSecretAccessKey: studio.secrets.encrypt(sender.secretAccessKey),
    maxPerSecond: sender.maxPerSecond,
  };
}
