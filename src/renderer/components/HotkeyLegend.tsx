const keys: readonly [string, string][] = [
  ['1–9', 'preview'],
  ['⇧1–9', 'cut'],
  ['Space/↵', 'CUT'],
  ['A', 'AUTO'],
  ['B', 'fade to black'],
  ['F1/F2', 'mix/dip'],
  ['T', 'take next'],
  ['⇧T', 'take previous'],
  ['Esc', 'leave field'],
];

export function HotkeyLegend() {
  return (
    <div className="hotkeys" data-testid="hotkey-legend">
      {keys.map(([k, what]) => (
        <span key={k}>
          <kbd>{k}</kbd> {what}
        </span>
      ))}
    </div>
  );
}
