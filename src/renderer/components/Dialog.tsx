import { useEffect, type ReactNode } from 'react';

interface Props {
  readonly title: string;
  readonly testId: string;
  readonly children: ReactNode;
  onClose(): void;
}

export function Dialog({ title, testId, children, onClose }: Props) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <header className="dialog__title">
          {title}
          <button className="btn btn--ghost btn--tiny" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
