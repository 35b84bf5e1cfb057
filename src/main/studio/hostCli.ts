// Entry point of the headless host (dist/host.mjs): `serve` runs the studio without
// Electron and prints the control room's URL. Also what `npm start` falls back to
// where no Electron binary exists.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createConsoleLogger } from '../engine/logger';
import { createStudio } from './createStudio';
import { startHost } from './headlessHost';

const USAGE = `Usage: cuecast serve [--port 8787] [--host 127.0.0.1] [--lan] [--token TOKEN] [--data-dir DIR] [--ffmpeg PATH]

  --lan        listen on every interface (0.0.0.0) so tablets on the LAN can connect
  --token      API token (default: a random one, printed with the URL)
  --data-dir   where the show, sealed keys and recordings live (default ~/.cuecast)
  --port 0     pick a free port
  --no-encoder-probe  skip the background encoder probe at start (benchmarks)`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      lan: { type: 'boolean', default: false },
      token: { type: 'string' },
      'data-dir': { type: 'string' },
      ffmpeg: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'no-encoder-probe': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals[0] !== 'serve') {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const logger = createConsoleLogger('cuecast', values.quiet);
  const here = dirname(fileURLToPath(import.meta.url));
  const staticDir = join(here, 'renderer');
  const dataDir = resolve(values['data-dir'] ?? process.env.CUECAST_DATA_DIR ?? join(homedir(), '.cuecast'));
  const token = values.token ?? process.env.CUECAST_TOKEN ?? randomBytes(16).toString('hex');
  const studio = await createStudio({ dataDir, ffmpegPath: values.ffmpeg, logger, probeEncodersAtStart: !values['no-encoder-probe'] });
  const host = await startHost(studio, {
    port: Number(values.port),
    host: values.lan ? '0.0.0.0' : values.host,
    token,
    staticDir: existsSync(staticDir) ? staticDir : null,
  });
  console.log(`Cuecast control room: ${host.url}`);
  console.log(`API: ws://127.0.0.1:${host.port}/api?token=${token} (see docs/api.md); data in ${dataDir}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping outputs, encoder and sources`);
    const force = setTimeout(() => process.exit(1), 8000);
    await host.close();
    await studio.dispose();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The terminal was closed: stop in order too (by default Node would die on the spot,
  // the destinations and the recording never stopped). Its output is gone, so a log line
  // written on the way out must not fail the shutdown (EIO on a tty, EPIPE on a pipe).
  process.on('SIGHUP', () => {
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    void shutdown('SIGHUP');
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const hint = e.code === 'EADDRINUSE' ? ' (another studio is running there? pass --port with another port, or --port 0 for any free one)' : '';
  console.error(`cuecast: ${e.message}${hint}`);
  process.exit(1);
});
