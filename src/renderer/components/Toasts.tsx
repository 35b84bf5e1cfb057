export interface Toast {
  readonly id: number;
  readonly message: string;
}

/** Failed requests from buttons and hotkeys; they fade on their own. */
export function Toasts({ toasts }: { readonly toasts: readonly Toast[] }) {
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((t) => (
        <div key={t.id} className="toast" data-testid="toast">
          {t.message}
        </div>
      ))}
    </div>
  );
}
