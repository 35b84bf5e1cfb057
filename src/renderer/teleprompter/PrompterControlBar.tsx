import type { TeleprompterSettings } from '../../shared/commerceModel';
import type { ConnectionState } from '../webSocketStudio';

interface Props {
  readonly settings: TeleprompterSettings;
  readonly markers: readonly string[];
  readonly connection: ConnectionState;
  readonly error: string | null;
  set(patch: { mirror?: boolean; running?: boolean; fontSizePx?: number }): void;
  faster(delta: number): void;
  toggleRunning(): void;
  jump(marker: string): void;
}

/**
 * The operator's strip along the bottom, never mirrored: whoever sets up the monitor
 * or holds the tablet reads it directly. MIRROR says why the rest of the screen reads
 * backwards; the markers are the jump list (keys 1–9 do the same).
 */
export function PrompterControlBar({ settings, markers, connection, error, set, faster, toggleRunning, jump }: Props) {
  return (
    <footer className="prompter-bar" data-testid="prompter-bar">
      {settings.mirror && (
        <span className="prompter-bar__mirror" data-testid="prompter-mirror-indicator">
          MIRROR
        </span>
      )}
      <button className={`btn${settings.running ? ' btn--running' : ''}`} onClick={toggleRunning} data-testid="prompter-toggle" title="Start or stop scrolling (Space)">
        {settings.running ? '❚❚ Stop' : '▶ Scroll'}
      </button>
      <span className="prompter-bar__group" title="Speed, lines per minute (← →)">
        <button className="btn btn--tiny" onClick={() => faster(-2)} aria-label="Slower">
          −
        </button>
        <span data-testid="prompter-speed-value">{settings.speed}</span>
        <button className="btn btn--tiny" onClick={() => faster(2)} aria-label="Faster">
          +
        </button>
        <small>lines/min</small>
      </span>
      <span className="prompter-bar__group" title="Text size">
        <button className="btn btn--tiny" onClick={() => set({ fontSizePx: Math.max(24, settings.fontSizePx - 8) })} aria-label="Smaller text">
          A−
        </button>
        <span>{settings.fontSizePx}px</span>
        <button className="btn btn--tiny" onClick={() => set({ fontSizePx: Math.min(240, settings.fontSizePx + 8) })} aria-label="Larger text">
          A+
        </button>
      </span>
      <label className="prompter-bar__check">
        <input type="checkbox" checked={settings.mirror} onChange={(e) => set({ mirror: e.target.checked })} data-testid="prompter-mirror-toggle" />
        mirror
      </label>
      <nav className="prompter-bar__markers" aria-label="Markers" data-testid="prompter-markers">
        {markers.map((m, i) => (
          <button key={m} className="btn btn--tiny" onClick={() => jump(m)} data-testid={`prompter-marker-${m}`} title={i < 9 ? `Key ${i + 1}` : undefined}>
            {i < 9 && <kbd>{i + 1}</kbd>} {m}
          </button>
        ))}
      </nav>
      {error && (
        <span className="prompter-bar__error" role="alert" data-testid="prompter-error">
          {error}
        </span>
      )}
      {connection !== 'open' && <span className="prompter-bar__offline">{connection === 'connecting' ? 'connecting…' : 'disconnected — reconnecting…'}</span>}
    </footer>
  );
}
