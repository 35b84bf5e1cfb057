import { useStudio } from '../studioContext';

/** Never let the operator believe a dead link is a quiet studio. */
export function ConnectionBanner() {
  const { view } = useStudio();
  if (view.connection === 'open') return null;
  return (
    <div className="banner" role="alert" data-testid="connection-banner">
      {view.connection === 'connecting' ? 'Connecting to the studio…' : 'Disconnected — reconnecting…'}
    </div>
  );
}
