// Builds everything that runs: the renderer (Vite), the headless host and the order
// desk's process (ESM, Node),
// the Electron main and preload (CommonJS, electron external). Packages stay
// external in the Node bundles: node_modules ships with the app.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync } from 'node:fs';

const started = Date.now();
if (existsSync('vite.config.ts')) await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, packages: 'external', logLevel: 'warning' };
await esbuild({ ...common, entryPoints: ['src/main/studio/hostCli.ts'], outfile: 'dist/host.mjs', format: 'esm' });
await esbuild({ ...common, entryPoints: ['src/main/studio/metadataProbeCli.ts'], outfile: 'dist/probe.mjs', format: 'esm' });
// The order desk's own process (remoteOrderDesk.ts finds it beside host.mjs or one folder up from electron/).
await esbuild({ ...common, entryPoints: ['src/main/commerce/orders/receiverProcess.ts'], outfile: 'dist/orderDesk.mjs', format: 'esm' });
if (existsSync('src/main/electron/main.ts')) {
  // CommonJS has no import.meta: modules shared with the ESM bundles get their own file's URL.
  await esbuild({
    ...common,
    entryPoints: ['src/main/electron/main.ts'],
    outfile: 'dist/electron/main.cjs',
    format: 'cjs',
    external: ['electron'],
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
}
if (existsSync('src/preload/index.ts')) {
  // Sandboxed preloads must be CommonJS and self-contained (zod is bundled in).
  await esbuild({ ...common, packages: undefined, entryPoints: ['src/preload/index.ts'], outfile: 'dist/preload.cjs', format: 'cjs', external: ['electron'] });
}
console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
