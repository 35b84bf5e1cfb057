import { layoutPreview, previewUrl, type Input } from '../inputs';
import { PolledPreview } from './PolledPreview';
import { useStudio } from '../studioContext';
import { PreviewImage } from './PreviewImage';
import { TransitionControls } from './TransitionControls';

interface Props {
  readonly inputs: readonly Input[];
}

/** Preview left (green), programme right (red), the transition between them: the vMix layout operators know. */
export function Monitors({ inputs }: Props) {
  const { view } = useStudio();
  const snapshot = view.snapshot;
  if (!snapshot) return null;
  const { switcher, canvas } = snapshot;
  const previewInput = inputs.find((i) => i.id === switcher.preview);
  const programInput = inputs.find((i) => i.id === switcher.program);
  return (
    <section className="monitors">
      <div className="monitor monitor--preview" data-testid="preview-monitor" data-input={switcher.preview ?? ''}>
        <header className="monitor__label">
          <span className="monitor__tag">PREVIEW</span>
          <span data-testid="preview-name">{previewInput ? `${previewInput.number} · ${previewInput.name}` : '—'}</span>
        </header>
        <div className="monitor__screen">
          <span className="no-picture">No picture</span>
          {previewInput?.kind === 'scene' ? (
            <PolledPreview url={null} layout={layoutPreview(snapshot.previewUrlTemplate, previewInput)} label="Preview" fps={10} />
          ) : (
            <PreviewImage
              key={`${switcher.preview ?? ''}-${view.connection}`}
              url={switcher.preview ? previewUrl(snapshot.previewUrlTemplate, switcher.preview) : null}
              alt="Preview"
              testId="preview-image"
            />
          )}
        </div>
      </div>
      <TransitionControls />
      <div className="monitor monitor--program" data-testid="program-monitor" data-input={switcher.program ?? ''}>
        <header className="monitor__label">
          <span className="monitor__tag">PROGRAMME</span>
          <span data-testid="program-name">{programInput ? `${programInput.number} · ${programInput.name}` : '—'}</span>
          <span className="monitor__format">
            {canvas.width}×{canvas.height} · {canvas.fps} fps
          </span>
        </header>
        <div className="monitor__screen">
          <span className="no-picture">No picture</span>
          {/* Remounted after a reconnect: a finished MJPEG response would otherwise freeze on its last frame. */}
          <PreviewImage key={view.connection} url={previewUrl(snapshot.previewUrlTemplate, 'program')} alt="Programme" testId="program-image" />
        </div>
      </div>
    </section>
  );
}
