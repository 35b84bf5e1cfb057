import { useEffect, useState, type FormEvent } from 'react';
import type { TeleprompterSettings } from '../../shared/commerceModel';
import { useStudio } from '../studioContext';

/** The contract's cap for a director message (teleprompter:message). */
const maxMessageChars = 120;

/** The teleprompter page on this host, with this page's token: for a tablet or a second screen. */
export function teleprompterHref(): string {
  const url = new URL(location.href);
  url.searchParams.set('view', 'teleprompter');
  return url.href;
}

/**
 * The director's side of the teleprompter: a short message to the host, and the
 * shared settings every teleprompter follows (mirror, speed, size, running).
 */
export function PrompterControls({ settings }: { readonly settings: TeleprompterSettings }) {
  const { api, report } = useStudio();
  const [message, setMessage] = useState('');
  const [speed, setSpeed] = useState(String(settings.speed));
  const [size, setSize] = useState(String(settings.fontSizePx));

  // Another client (the teleprompter's own keys) may change them: follow main's values.
  useEffect(() => setSpeed(String(settings.speed)), [settings.speed]);
  useEffect(() => setSize(String(settings.fontSizePx)), [settings.fontSizePx]);

  const send = (e: FormEvent): void => {
    e.preventDefault();
    const text = message.trim();
    if (!text) return;
    api.teleprompter
      .message({ text })
      .then(() => setMessage(''))
      .catch(report);
  };
  const commit = (field: 'speed' | 'fontSizePx', text: string): void => {
    const value = Math.round(Number(text));
    if (!Number.isFinite(value) || value === settings[field]) return;
    api.teleprompter.set({ [field]: value }).catch((err: unknown) => {
      if (field === 'speed') setSpeed(String(settings.speed));
      else setSize(String(settings.fontSizePx));
      report(err);
    });
  };
  const onEnter = (field: 'speed' | 'fontSizePx', text: string) => (e: { key: string }) => {
    if (e.key === 'Enter') commit(field, text);
  };

  return (
    <div className="prompter-controls" data-testid="prompter-controls">
      <form className="prompter-controls__message" onSubmit={send}>
        <input
          value={message}
          maxLength={maxMessageChars}
          placeholder="Message to the host: “stretch 30 s”"
          onChange={(e) => setMessage(e.target.value)}
          data-testid="director-message"
        />
        <button type="submit" className="btn btn--tiny btn--primary" disabled={!message.trim()} data-testid="director-message-send">
          Send
        </button>
        <button
          type="button"
          className="btn btn--tiny"
          disabled={!settings.message}
          onClick={() => api.teleprompter.message({ text: '' }).catch(report)}
          data-testid="director-message-clear"
        >
          Clear
        </button>
      </form>
      {settings.message && (
        <div className="prompter-controls__showing" data-testid="director-message-showing">
          Showing: “{settings.message.text}”
        </div>
      )}
      <div className="prompter-controls__settings">
        <button
          className={`btn btn--tiny${settings.running ? ' btn--running' : ''}`}
          aria-pressed={settings.running}
          onClick={() => api.teleprompter.set({ running: !settings.running }).catch(report)}
          data-testid="prompter-running"
        >
          {settings.running ? '❚❚ Scrolling' : '▶ Scroll'}
        </button>
        <label title="Auto-scroll speed, lines per minute">
          <input
            type="number"
            min={0}
            max={600}
            value={speed}
            onChange={(e) => setSpeed(e.target.value)}
            onBlur={() => commit('speed', speed)}
            onKeyDown={onEnter('speed', speed)}
            data-testid="prompter-speed"
          />
          lines/min
        </label>
        <label title="Text size on the teleprompter, CSS px">
          <input
            type="number"
            min={24}
            max={240}
            step={4}
            value={size}
            onChange={(e) => setSize(e.target.value)}
            onBlur={() => commit('fontSizePx', size)}
            onKeyDown={onEnter('fontSizePx', size)}
            data-testid="prompter-font-size"
          />
          px
        </label>
        <label className="prompter-controls__check" title="For beam-splitter glass: the host reads the reflection">
          <input type="checkbox" checked={settings.mirror} onChange={(e) => api.teleprompter.set({ mirror: e.target.checked }).catch(report)} data-testid="prompter-mirror" />
          Mirror
        </label>
        {/* Inside Electron new windows are refused (secureWindow.ts); the teleprompter window is main's to open. */}
        {!window.studio && (
          <a className="btn btn--tiny btn--ghost" href={teleprompterHref()} target="_blank" rel="noopener" data-testid="prompter-open">
            Open teleprompter ↗
          </a>
        )}
      </div>
    </div>
  );
}
