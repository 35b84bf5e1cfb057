// Builds a running Studio from a data folder: finds ffmpeg, loads (or creates) the
// show, opens the secret box, starts the rehearsal ingest and the live path. Used by
// the Electron shell, the headless host, tests and the benchmark alike.
import { join } from 'node:path';
import { createConsoleLogger, type Logger } from '../engine/logger';
import { RehearsalIngest } from '../engine/outputs/rehearsalIngest';
import { findFfmpeg } from '../engine/process/findFfmpeg';
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
  const studio = new Studio({
    ffmpegPath: ffmpeg.path,
    logger,
    store,
    secrets: options.secrets ?? createFileKeySecretBox(options.dataDir),
    show,
    rehearsal,
    dataDir: options.dataDir,
    probeEncodersAtStart: options.probeEncodersAtStart,
  });
  if (loaded.problem) studio.log('warn', loaded.problem);
  studio.persist();
  studio.start();
  return studio;
}
