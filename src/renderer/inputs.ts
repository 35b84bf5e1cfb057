import type { SceneInfo, SourceInfo, StudioSnapshot, SwitcherState } from '../shared/model';

export type TallyState = 'program' | 'preview' | 'none';

/** What the switcher can put on air: sources then scenes, numbered 1.. for the bus and hotkeys. */
export type Input =
  | { readonly kind: 'source'; readonly id: string; readonly name: string; readonly number: number; readonly source: SourceInfo }
  | { readonly kind: 'scene'; readonly id: string; readonly name: string; readonly number: number; readonly scene: SceneInfo };

export function listInputs(snapshot: StudioSnapshot): readonly Input[] {
  const sources = snapshot.sources.map((source, i): Input => ({
    kind: 'source',
    id: source.id,
    name: source.spec.name,
    number: i + 1,
    source,
  }));
  const scenes = snapshot.scenes.map((scene, i): Input => ({
    kind: 'scene',
    id: scene.id,
    name: scene.name,
    number: sources.length + i + 1,
    scene,
  }));
  return [...sources, ...scenes];
}

/**
 * Programme wins over preview, as on a hardware tally light. A source inside a scene
 * on air is on programme too (main's per-source tally says so).
 */
export function tallyOf(switcher: SwitcherState, id: string): TallyState {
  const t = switcher.tally[id];
  if (switcher.program === id || t?.program) return 'program';
  if (switcher.preview === id || t?.preview) return 'preview';
  return 'none';
}

export function previewUrl(template: string | null, id: string): string | null {
  return template ? template.replace('{id}', encodeURIComponent(id)) : null;
}

/** For a layout, its two sources' preview URLs, so the UI can compose its picture. */
export function layoutPreview(template: string | null, input: Input | undefined): { kind: SceneInfo['layout']; urls: [string, string] } | null {
  if (!template || input?.kind !== 'scene') return null;
  const [a, b] = input.scene.sources;
  return { kind: input.scene.layout, urls: [previewUrl(template, a)!, previewUrl(template, b)!] };
}
