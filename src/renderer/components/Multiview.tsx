import { layoutPreview, previewUrl, tallyOf, type Input } from '../inputs';
import { useStudio } from '../studioContext';
import { InputTile } from './InputTile';

interface Props {
  readonly inputs: readonly Input[];
}

export function Multiview({ inputs }: Props) {
  const { api, view, report } = useStudio();
  const snapshot = view.snapshot;
  if (!snapshot) return null;
  const nameOf = (id: string): string => snapshot.sources.find((s) => s.id === id)?.spec.name ?? id;
  return (
    <section className="multiview" data-testid="multiview">
      {inputs.map((input) => (
        <InputTile
          key={input.id}
          input={input}
          tally={tallyOf(snapshot.switcher, input.id)}
          url={input.kind === 'source' ? previewUrl(snapshot.previewUrlTemplate, input.id) : null}
          layout={layoutPreview(snapshot.previewUrlTemplate, input)}
          sceneSourceNames={input.kind === 'scene' ? input.scene.sources.map(nameOf) : undefined}
          onPreview={() => api.switcher.preview({ input: input.id }).catch(report)}
          onCut={() => api.switcher.cut({ input: input.id }).catch(report)}
          onRestart={() => api.source.restart({ id: input.id }).catch(report)}
          onRemove={() =>
            (input.kind === 'source' ? api.source.remove({ id: input.id }) : api.scene.remove({ id: input.id })).catch(report)
          }
        />
      ))}
      {inputs.length === 0 && <div className="multiview__empty">No sources yet — add one with “+ Source”.</div>}
    </section>
  );
}
