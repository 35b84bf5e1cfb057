import { describe, expect, it } from 'vitest';
import { markerKey, scriptMarkers, splitScript } from './scriptLines';

describe('splitScript', () => {
  it('keeps lines, blank lines and markers in place', () => {
    const lines = splitScript('[[intro]] Good evening!\n\n[[ Price ]] Normally 1,890.\nNow 1,590.');
    expect(lines).toEqual([
      [{ kind: 'marker', name: 'intro' }, { kind: 'text', text: ' Good evening!' }],
      [],
      [{ kind: 'marker', name: 'Price' }, { kind: 'text', text: ' Normally 1,890.' }],
      [{ kind: 'text', text: 'Now 1,590.' }],
    ]);
  });

  it('leaves anything that is not a valid marker as text', () => {
    expect(splitScript('a [[unclosed\nb [[]] c')).toEqual([
      [{ kind: 'text', text: 'a [[unclosed' }],
      [{ kind: 'text', text: 'b [[]] c' }],
    ]);
  });

  it('gives an empty script one empty line', () => {
    expect(splitScript('')).toEqual([[]]);
  });

  it('names markers as the jump request does', () => {
    expect(scriptMarkers('[[intro]] x [[close-up]] y')).toEqual(['intro', 'close-up']);
    expect(markerKey(' Price ')).toBe(markerKey('price'));
  });
});
