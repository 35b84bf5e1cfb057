// Handlers for the rundown, teleprompter and order requests of the contract. A
// refusal (a bad row, an unknown segment, nothing on air) is a badRequest or conflict
// with the operator's reason, and changes nothing.
import { StudioError, type ParsedParams, type RequestName, type RequestResults } from '../../shared/contract';
import { MetadataRefusedError } from '../../shared/commerceMetadata';
import { exportRundown, importRundownText } from '../commerce/rundown/rundownImport';
import { RundownError } from '../commerce/rundown/rundownState';
import type { Studio } from './studio';

type CommerceRequest = Extract<RequestName, `rundown:${string}` | `teleprompter:${string}` | `orders:${string}`>;
export type CommerceHandlers = {
  [K in CommerceRequest]: (params: ParsedParams<K>) => Promise<RequestResults[K]> | RequestResults[K];
};

const ok = { ok: true } as const;

/** Rundown and metadata refusals become the operator's badRequest; anything else passes on. */
async function refusing<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RundownError || err instanceof MetadataRefusedError) throw new StudioError('badRequest', err.message);
    throw err;
  }
}

export function createCommerceHandlers(studio: Studio): CommerceHandlers {
  const runner = () => studio.commerce.runner;
  const state = () => studio.commerce.runner.state;
  const knownInputs = () => [...studio.config.sources.map((s) => s.id), ...studio.config.scenes.map((s) => s.id)];
  const took = <T extends { segmentId: string }>(result: T): T => {
    studio.commerce.orders?.setSegment(result.segmentId);
    studio.persist();
    return result;
  };

  return {
    'rundown:get': () => state().rundown,
    'rundown:import': async ({ format, text }) => {
      const result = await importRundownText(text, format, { knownInputs: knownInputs(), imageBaseDir: state().baseDir });
      if (!result.ok) {
        // Each issue's message already names its line as a spreadsheet counts it.
        const lines = result.issues.map((i) => i.message);
        const more = result.totalIssues > result.issues.length ? [`…and ${result.totalIssues - result.issues.length} more problems`] : [];
        throw new StudioError('badRequest', [`Rundown not imported: ${result.totalIssues} problem${result.totalIssues === 1 ? '' : 's'}`, ...lines, ...more].join('\n'));
      }
      state().replace(result.rundown, state().baseDir);
      studio.commerce.rundownChanged();
      void runner().prepareImages();
      studio.log('info', `Rundown imported: ${result.rundown.segments.length} segments`);
      studio.changed();
      return { segments: result.rundown.segments.length };
    },
    'rundown:export': ({ format }) => ({ text: exportRundown(state().rundown, format) }),
    'rundown:take': ({ id }) => refusing(() => runner().take(id)).then(took),
    'rundown:takePrevious': () => refusing(() => runner().takePrevious()).then(took),
    'rundown:cue': ({ id }) =>
      refusing(() => {
        state().cue(id);
        studio.changed();
        return ok;
      }),
    'rundown:end': () =>
      refusing(async () => {
        const result = await runner().end();
        studio.commerce.orders?.setSegment(null);
        return result;
      }),
    'rundown:addSegment': ({ segment, index }) =>
      refusing(() => {
        checkInput(segment.input, knownInputs());
        state().add(segment, index);
        studio.commerce.rundownChanged();
        void runner().prepareImages();
        studio.changed();
        return ok;
      }),
    'rundown:updateSegment': ({ segment }) =>
      refusing(async () => {
        checkInput(segment.input, knownInputs());
        state().update(segment);
        studio.commerce.rundownChanged();
        void runner().prepareImages();
        await runner().refreshOnAir();
        studio.changed();
        return ok;
      }),
    'rundown:removeSegment': ({ id }) =>
      refusing(() => {
        state().remove(id);
        studio.commerce.rundownChanged();
        studio.changed();
        return ok;
      }),
    'rundown:moveSegment': ({ id, toIndex }) =>
      refusing(() => {
        state().move(id, toIndex);
        studio.changed();
        return ok;
      }),
    'rundown:flashSale': ({ seconds }) => refusing(() => runner().flashSale(seconds)),
    'rundown:graphics': async (change) => {
      await runner().setGraphics(change);
      return ok;
    },
    'teleprompter:set': (change) => {
      runner().setTeleprompter(change);
      return ok;
    },
    'teleprompter:jump': ({ marker }) => {
      runner().jump(marker);
      return ok;
    },
    'teleprompter:message': ({ text }) => {
      runner().directorMessage(text);
      return ok;
    },
    'orders:addWebhook': async (config) => {
      const orders = studio.commerce.orders;
      if (!orders?.addWebhook) throw new StudioError('unavailable', 'The order desk is not running');
      try {
        const url = await orders.addWebhook(config);
        studio.log('info', `Order webhook "${config.id}" (${config.kind}) at ${url}`);
        studio.changed();
        return { url };
      } catch (err) {
        throw new StudioError('badRequest', (err as Error).message);
      }
    },
    'orders:removeAdapter': async ({ id }) => {
      await studio.commerce.orders?.removeAdapter?.(id);
      studio.changed();
      return ok;
    },
    'orders:simulate': async ({ running, ratePerSec }) => {
      const orders = studio.commerce.orders;
      if (!orders?.simulate) throw new StudioError('unavailable', 'The order desk is not running');
      await orders.simulate(running, ratePerSec);
      studio.changed();
      return ok;
    },
  };
}

function checkInput(input: string, known: readonly string[]): void {
  if (!known.includes(input)) {
    throw new StudioError('badRequest', `input "${input}" is not a camera or layout of this show (${known.join(', ')})`);
  }
}
