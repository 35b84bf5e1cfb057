// The Electron security checklist applied to every window we open (STYLE.md rule 9).
import { BrowserWindow, shell, type WebContents } from 'electron';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The only hosts a link in our UI may open in the user's browser. */
const externalHosts = new Set(['cuecast.app', 'docs.cuecast.app', 'github.com']);

export interface WindowPaths {
  readonly preload: string;
  readonly indexHtml: string;
}

/** True when `url` is our own renderer page (file://…/dist/renderer/index.html). */
export function isRendererUrl(url: string, indexHtml: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' && resolve(fileURLToPath(u)) === resolve(indexHtml);
  } catch {
    return false;
  }
}

function openExternalIfAllowed(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:' && externalHosts.has(u.hostname)) void shell.openExternal(u.href);
  } catch {
    // Not a URL: nothing to open.
  }
}

function lockDown(contents: WebContents, paths: WindowPaths): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url, paths.indexHtml)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isRendererUrl(url, paths.indexHtml)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The control room, or with `view: 'teleprompter'` the host's confidence monitor. */
export function createSecureWindow(paths: WindowPaths, title: string, view: 'controlRoom' | 'teleprompter' = 'controlRoom'): BrowserWindow {
  const teleprompter = view === 'teleprompter';
  const win = new BrowserWindow({
    width: teleprompter ? 1280 : 1600,
    height: teleprompter ? 800 : 900,
    minWidth: teleprompter ? 640 : 1180,
    minHeight: teleprompter ? 400 : 700,
    title,
    backgroundColor: '#0c0e12',
    show: false,
    webPreferences: {
      preload: paths.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  lockDown(win.webContents, paths);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(paths.indexHtml, teleprompter ? { query: { view: 'teleprompter' } } : undefined);
  return win;
}
