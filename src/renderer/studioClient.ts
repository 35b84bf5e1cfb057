import { splitRequestName, StudioError, type RequestName, type StudioApi, type StudioErrorCode } from '../shared/contract';
import { buildStudioApi } from './buildStudioApi';
import { connectWebSocketStudio, type StudioConnection } from './webSocketStudio';

const codes: readonly StudioErrorCode[] = ['badRequest', 'unknownRequest', 'notFound', 'conflict', 'unavailable', 'unauthorized', 'internal'];

/**
 * Inside Electron the preload has exposed `window.studio` (IPC, always connected);
 * in a browser (headless host, tablet) the same API is built over the host's
 * WebSocket, authenticated by the page's `?token=`.
 */
export function createStudioClient(): StudioConnection {
  if (window.studio) {
    return { api: overPreload(window.studio), state: () => 'open', onState: () => () => undefined };
  }
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return connectWebSocketStudio(`${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`);
}

/** contextBridge keeps only an Error's message: the preload puts the code in it as "[code] ". */
function overPreload(bridge: StudioApi): StudioApi {
  const calls = bridge as unknown as Record<string, Record<string, (params: unknown) => Promise<unknown>>>;
  const invoke = async (name: RequestName, params: unknown): Promise<unknown> => {
    const [domain, verb] = splitRequestName(name);
    try {
      return await calls[domain][verb](params);
    } catch (err) {
      throw toStudioError(err);
    }
  };
  return buildStudioApi(invoke, bridge.on);
}

function toStudioError(err: unknown): StudioError {
  const message = err instanceof Error ? err.message : String(err);
  const match = /\[(\w+)\] ([\s\S]*)$/.exec(message);
  const code = codes.find((c) => c === match?.[1]);
  return code && match ? new StudioError(code, match[2]) : new StudioError('internal', message);
}
