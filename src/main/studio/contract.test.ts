import { describe, expect, it } from 'vitest';
import { eventNames, requestNames, requestSchemas } from '../../shared/contract';
import type { Studio } from './studio';
import { createRequestHandlers } from './studioRequests';

describe('contract', () => {
  it('has a handler for every request and no handler outside the contract', () => {
    const handlers = createRequestHandlers({} as Studio);
    expect(Object.keys(handlers).sort()).toEqual([...requestNames].sort());
  });

  it('names every channel domain:verb', () => {
    for (const name of [...requestNames, ...eventNames]) expect(name).toMatch(/^[a-z]+:[a-zA-Z]+$/);
  });

  it('refuses bad params with a reason', () => {
    const bad = requestSchemas['source:add'].safeParse({ spec: { kind: 'testPattern', name: 'X', color: 'red' } });
    expect(bad.success).toBe(false);
    const canvas = requestSchemas['canvas:set'].safeParse({ width: 4096, height: 2160, fps: 30 });
    expect(canvas.success).toBe(false);
    expect(requestSchemas['canvas:set'].safeParse({ width: 2160, height: 3840, fps: 60 }).success).toBe(true);
    expect(requestSchemas['switcher:auto'].safeParse({ extra: 1 }).success).toBe(false);
  });
});
