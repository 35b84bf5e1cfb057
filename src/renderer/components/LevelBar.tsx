interface Props {
  readonly db: number;
  readonly orientation?: 'vertical' | 'horizontal';
  readonly testId?: string;
}

/** Meters read -60..0 dBFS, the range an operator rides; below -60 is silence. */
export function dbToFraction(db: number): number {
  if (!Number.isFinite(db)) return 0;
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

/**
 * A peak meter with fixed colour zones (green, amber from -18 dBFS, red from -6 dBFS,
 * as on a broadcast PPM): the bar carries the zones, an overlay hides the unlit part.
 */
export function LevelBar({ db, orientation = 'vertical', testId }: Props) {
  const unlit = `${((1 - dbToFraction(db)) * 100).toFixed(1)}%`;
  return (
    <div
      className={`level-bar level-bar--${orientation}`}
      data-testid={testId}
      data-db={Math.round(db)}
      title={`${db <= -120 ? '-∞' : db.toFixed(1)} dBFS`}
    >
      <div className="level-bar__unlit" style={orientation === 'vertical' ? { height: unlit } : { width: unlit }} />
    </div>
  );
}
