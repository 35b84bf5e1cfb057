// The bridge (STYLE.md rules 3 and 9): one object, `window.studio`, generated from the
// contract's request names; one invoke channel whose handler in main checks the sender
// frame, the request name and its params. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, requestNames, splitRequestName, type EventName } from '../shared/contract';

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * contextBridge rebuilds a rejected Error in the page from its message alone (custom
 * properties are dropped), so the code travels in the message as "[code] message";
 * the renderer's studioClient turns it back into a StudioError. No stack crosses.
 */
async function request(name: string, params: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke('studio:request', name, params ?? {})) as Reply;
  if (reply.ok) return reply.result;
  const error = new Error(`[${reply.error.code}] ${reply.error.message}`);
  error.name = 'StudioError';
  throw Object.assign(error, { code: reply.error.code });
}

const domains: Record<string, Record<string, (params?: unknown) => Promise<unknown>>> = {};
for (const name of requestNames) {
  const [domain, verb] = splitRequestName(name);
  (domains[domain] ??= {})[verb] = (params?: unknown) => request(name, params);
}

const known = new Set<string>(eventNames);

function on(event: EventName, cb: (data: unknown) => void): () => void {
  if (!known.has(event)) throw new Error(`unknown event "${String(event)}"`);
  // The page's callback sees only the payload, never the IpcRendererEvent (it holds `sender`).
  const listener = (_e: IpcRendererEvent, name: unknown, data: unknown): void => {
    if (name === event) cb(data);
  };
  ipcRenderer.on('studio:event', listener);
  return () => void ipcRenderer.removeListener('studio:event', listener);
}

contextBridge.exposeInMainWorld('studio', { ...domains, on });
