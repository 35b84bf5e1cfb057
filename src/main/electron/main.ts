// Electron entry: bootstraps only (STYLE.md rule 11). The Studio and its preview server
// are the same ones the headless host runs; this file adds the window, the IPC bridge,
// the OS keychain and an orderly quit.
import { app, BrowserWindow, dialog, Menu, session, type MenuItemConstructorOptions } from 'electron';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createStudio } from '../studio/createStudio';
import { startHost } from '../studio/headlessHost';
import { createSafeStorageSecretBox, safeStorageIsStrong } from './safeStorageSecrets';
import { createSecureWindow, type WindowPaths } from './secureWindow';
import { shutdownInOrder } from './shutdown';
import { connectStudioIpc } from './studioIpc';

/** Same policy as the page's meta tag; the header also covers anything the meta cannot. */
const csp =
  "default-src 'self'; img-src 'self' http://127.0.0.1:* data: blob:; connect-src 'self' ws: http://127.0.0.1:*; style-src 'self' 'unsafe-inline'";
/** dispose() stops outputs, encoders, switcher and sources; never leave ffmpeg orphaned, never hang the quit. */
const shutdownDeadlineMs = 5_000;

// Bundled to dist/electron/main.cjs: the preload and the renderer sit beside it in dist/.
const paths: WindowPaths = {
  preload: join(__dirname, '..', 'preload.cjs'),
  indexHtml: join(__dirname, '..', 'renderer', 'index.html'),
};

const teardown: { name: string; run(): Promise<void> }[] = [];
let quitting = false;

async function quitInOrder(): Promise<void> {
  if (quitting) return;
  quitting = true;
  // Reverse order of creation: the preview server first, the studio (and its ffmpegs) last.
  await shutdownInOrder([...teardown].reverse(), shutdownDeadlineMs, (m) => console.error('[cuecast]', m));
  app.exit(0);
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // No camera, microphone, notifications or geolocation for the page: capture runs in ffmpeg.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const strongKeychain = safeStorageIsStrong();
  if (!strongKeychain) console.warn('[cuecast] no OS keychain: stream keys use the file-key box in the data folder');
  const studio = await createStudio({
    dataDir: app.getPath('userData'),
    ffmpegPath: undefined, // auto: setting → resources → PATH
    resourcesDir: app.isPackaged ? process.resourcesPath : undefined,
    secrets: strongKeychain ? createSafeStorageSecretBox() : undefined,
  });
  teardown.push({ name: 'studio', run: () => studio.dispose() });

  // Previews (MJPEG for <img>) come from the same loopback server the headless host
  // runs, guarded by a per-launch token; no static files and no remote control here.
  const token = randomBytes(24).toString('base64url');
  const host = await startHost(studio, { port: 0, host: '127.0.0.1', token, staticDir: null });
  teardown.push({ name: 'preview server', run: () => host.close() });

  const disconnect = connectStudioIpc(studio, paths.indexHtml);
  teardown.push({ name: 'ipc', run: async () => disconnect() });

  createSecureWindow(paths, 'Cuecast');
  installMenu(paths);
}

/** The app menu: the teleprompter opens in its own window (for the monitor in front of the host). */
function installMenu(paths: Parameters<typeof createSecureWindow>[0]): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'editMenu' },
    {
      label: 'Window',
      submenu: [
        { label: 'Teleprompter', accelerator: 'CmdOrCtrl+Shift+T', click: () => createSecureWindow(paths, 'Cuecast Teleprompter', 'teleprompter') },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'minimize' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

if (!app.requestSingleInstanceLock()) {
  // A second launch hands over to the first: two studios would fight over the cameras.
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && !quitting) createSecureWindow(paths, 'Cuecast');
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    void quitInOrder();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void quitInOrder());
  // Started from a terminal that was then closed: quit in order, and let log lines
  // written on the way out fail quietly (the host does the same, studio/hostCli.ts).
  process.on('SIGHUP', () => {
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    void quitInOrder();
  });

  start().catch((err: unknown) => {
    // Typically no usable ffmpeg: say so in a window, not only on a console nobody sees.
    const message = err instanceof Error ? err.message : String(err);
    console.error('[cuecast] failed to start:', message);
    dialog.showErrorBox('Cuecast could not start', message);
    void quitInOrder();
  });
}
