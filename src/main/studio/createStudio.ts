// Builds a running Studio from a data folder: finds ffmpeg, loads (or creates) the
// show, opens the secret box, starts the rehearsal ingest and the live path. Used by
// the Electron shell, the headless host, tests and the benchmark alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rundownSchema } from '../../shared/rundown';
import { RundownState } from '../commerce/rundown/rundownState';
import { createConsoleLogger, type Logger } from '../engine/logger';
import { RehearsalIngest } from '../engine/outputs/rehearsalIngest';
import { findFfmpeg } from '../engine/process/findFfmpeg';
import { DeskOrders } from './deskOrders';
import { demoShow } from './demoShow';
import { defaultRecordingFolder } from './outputManager';
import { createFileKeySecretBox, type SecretBox } from './secretBox';
import { ShowStore, type ShowConfig } from './showStore';
import { Studio } from './studio';

export interface CreateStudioOptions {
  readonly dataDir: string;
  /** Explicit ffmpeg; else resources, else PATH. */
  readonly ffmpegPath?: string;
  readonly resourcesDir?: string;
  readonly logger?: Logger;
  /** Electron passes safeStorage; the headless host uses the file-key box. */
  readonly secrets?: SecretBox;
  /** Start from this show instead of the stored one (tests, benchmarks). */
  readonly show?: ShowConfig;
  /** Start the built-in rehearsal ingest (default true). */
  readonly rehearsal?: boolean;
  /** Probe encoders in the background at start (default true; benchmarks that time the live path turn it off). */
  readonly probeEncodersAtStart?: boolean;
}

export async function createStudio(options: CreateStudioOptions): Promise<Studio> {
  const logger = options.logger ?? createConsoleLogger('studio');
  const ffmpeg = findFfmpeg({ setting: options.ffmpegPath, resourcesDir: options.resourcesDir });
  logger.info(`using ${ffmpeg.version} from ${ffmpeg.from} (${ffmpeg.path})`);
  const store = new ShowStore(join(options.dataDir, 'show.json'));
  const loaded = options.show ? { show: options.show, problem: null } : store.load();
  const show = loaded.show ?? demoShow(defaultRecordingFolder(options.dataDir));
  const rehearsal = options.rehearsal === false ? null : await RehearsalIngest.start(ffmpeg.path, logger);
  const rundown = loadRundown(options.dataDir, options.resourcesDir, logger);
  const studio = new Studio({
    ffmpegPath: ffmpeg.path,
    logger,
    store,
    secrets: options.secrets ?? createFileKeySecretBox(options.dataDir),
    show,
    rehearsal,
    dataDir: options.dataDir,
    probeEncodersAtStart: options.probeEncodersAtStart,
    rundown,
  });
  if (loaded.problem) studio.log('warn', loaded.problem);
  try {
    studio.commerce.orders = await DeskOrders.start({
      dataDir: options.dataDir,
      rundown: rundown.rundown,
      logger,
      secrets: studio.secrets,
      onUpdate: () => studio.commerce.ordersUpdated(),
      report: (level, message) => studio.log(level, message),
    });
  } catch (err) {
    studio.log('error', `The order desk could not start: ${(err as Error).message}`);
  }
  studio.persist();
  studio.start();
  return studio;
}

/**
 * The show's rundown: the one saved in the data folder, else the demo jewelry rundown
 * shipped in resources/demo (its images are resolved there), else an empty one.
 */
function loadRundown(dataDir: string, resourcesDir: string | undefined, logger: Logger): RundownState {
  const file = join(dataDir, 'rundown.json');
  const stored = RundownState.load(file);
  if (stored.problem) logger.warn(stored.problem);
  const demo = findDemoFolder(resourcesDir);
  if (stored.rundown) return new RundownState(stored.rundown, demo ?? dataDir, file);
  if (demo) {
    const parsed = rundownSchema.safeParse(JSON.parse(readFileSync(join(demo, 'rundown.json'), 'utf8')));
    if (parsed.success) return new RundownState(parsed.data, demo, file);
    logger.warn(`the demo rundown is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  return new RundownState({ version: 1, title: 'Rundown', segments: [] }, dataDir, file);
}

/** resources/demo: in the packaged app, next to the bundle (dist/..), or in the source tree. */
function findDemoFolder(resourcesDir: string | undefined): string | null {
  // The entry script's folder (dist/ for the host, dist/electron/ for the app); no
  // import.meta here, as the Electron bundle is CommonJS.
  const entry = dirname(process.argv[1] ?? '.');
  const candidates = [resourcesDir && join(resourcesDir, 'demo'), join(entry, '..', 'resources', 'demo'), join(entry, '..', '..', 'resources', 'demo'), join(process.cwd(), 'resources', 'demo')];
  return candidates.find((c): c is string => !!c && existsSync(join(c, 'rundown.json'))) ?? null;
}
