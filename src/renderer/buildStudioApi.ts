import { requestNames, splitRequestName, type RequestName, type StudioApi } from '../shared/contract';

type Invoke = (name: RequestName, params: unknown) => Promise<unknown>;

/**
 * `window.studio`'s shape generated from the contract's request names, so a request
 * added to contract.ts reaches the UI without touching the transport. The preload
 * builds the same object over IPC.
 */
export function buildStudioApi(invoke: Invoke, on: StudioApi['on']): StudioApi {
  const domains: Record<string, Record<string, (params?: unknown) => Promise<unknown>>> = {};
  for (const name of requestNames) {
    const [domain, verb] = splitRequestName(name);
    // Empty-params requests are strict objects: send {} rather than undefined.
    (domains[domain] ??= {})[verb] = (params?: unknown) => invoke(name, params ?? {});
  }
  // The generated object matches StudioApi by construction; TypeScript cannot see through the loop.
  return { ...domains, on } as unknown as StudioApi;
}
