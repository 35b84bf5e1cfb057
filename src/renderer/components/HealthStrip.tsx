import { useStudio } from '../studioContext';

/** The numbers that say whether the show is healthy, always in view. */
export function HealthStrip() {
  const { view } = useStudio();
  const snapshot = view.snapshot;
  if (!snapshot) return null;
  const { health, canvas, onAir } = snapshot;
  const fpsLow = health.programFps < canvas.fps * 0.9;
  const slow = health.encoderSpeed !== null && health.encoderSpeed < 0.98;
  return (
    <div className="health" data-testid="health-strip">
      <Metric label="PGM" value={`${health.programFps.toFixed(1)} fps`} warn={fpsLow} testId="health-fps" />
      <Metric label="CPU" value={`${Math.round(health.cpuPercent)}%`} warn={health.cpuPercent > 180} testId="health-cpu" />
      <Metric
        label={health.encoderLabel ? `ENC ${health.encoderLabel}` : 'ENC'}
        value={health.encoderSpeed === null ? '—' : `${health.encoderSpeed.toFixed(2)}× · ${(health.encoderFps ?? 0).toFixed(0)} fps`}
        warn={slow}
        testId="health-encoder"
      />
      <Metric label="DROP" value={String(health.droppedFrames)} warn={health.droppedFrames > 0} testId="health-dropped" />
      <Metric label="FRAME" value={String(health.programFrame)} testId="health-frame" />
      <div className={`on-air${onAir ? ' on-air--live' : ''}`} data-testid="on-air" data-on-air={onAir}>
        {onAir ? 'ON AIR' : 'OFF AIR'}
      </div>
    </div>
  );
}

function Metric({ label, value, warn, testId }: { label: string; value: string; warn?: boolean; testId: string }) {
  return (
    <div className={`metric${warn ? ' metric--warn' : ''}`} data-testid={testId}>
      <span className="metric__label">{label}</span>
      <span className="metric__value">{value}</span>
    </div>
  );
}
