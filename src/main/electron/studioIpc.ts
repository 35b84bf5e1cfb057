// The one IPC channel (STYLE.md rules 3–5): requests answer the caller as data
// ({ ok, result } or { ok, error: { code, message } }), events go to every window.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { requestNames, StudioError } from '../../shared/contract';
import type { Studio } from '../studio/studio';
import { isRendererUrl } from './secureWindow';

const known = new Set<string>(requestNames);

/**
 * VS Code's ValidatedIpcMain: only the top frame of one of our windows, showing our
 * own page, may talk to the studio. An iframe or a navigated page may not.
 */
function isTrustedSender(event: IpcMainInvokeEvent, indexHtml: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const win = BrowserWindow.fromWebContents(event.sender);
  // Compare ids, not objects: a WebFrameMain wrapper is not guaranteed to be the same instance.
  const main = win?.webContents.mainFrame;
  if (!main || main.processId !== frame.processId || main.routingId !== frame.routingId) return false;
  return isRendererUrl(frame.url, indexHtml);
}

/** Registers the request handler and event fan-out; returns the undo. */
export function connectStudioIpc(studio: Studio, indexHtml: string): () => void {
  ipcMain.handle('studio:request', async (event, name: unknown, params: unknown) => {
    if (!isTrustedSender(event, indexHtml)) {
      return { ok: false, error: { code: 'unauthorized', message: 'request from an untrusted frame' } };
    }
    if (typeof name !== 'string' || !known.has(name)) {
      return { ok: false, error: { code: 'unknownRequest', message: `unknown request "${String(name)}"` } };
    }
    try {
      // studio.request parses params with the contract's schema before acting.
      return { ok: true, result: await studio.request(name, params) };
    } catch (err) {
      const error = err instanceof StudioError ? err.toData() : { code: 'internal', message: `${name} failed` };
      return { ok: false, error };
    }
  });

  const stopEvents = studio.onEvent((name, data) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send('studio:event', name, data);
    }
  });

  return () => {
    stopEvents();
    ipcMain.removeHandler('studio:request');
  };
}
