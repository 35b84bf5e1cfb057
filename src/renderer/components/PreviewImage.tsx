import { useEffect, useState } from 'react';

interface Props {
  readonly url: string | null;
  readonly alt: string;
  readonly testId?: string;
}

const retryMs = 1_500;

/**
 * A live MJPEG preview. The stream ends when its source restarts or the host goes
 * away; the browser then shows a broken image, so reopen it after a short pause.
 */
export function PreviewImage({ url, alt, testId }: Props) {
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!failed) return;
    const timer = setTimeout(() => {
      setFailed(false);
      setAttempt((a) => a + 1);
    }, retryMs);
    return () => clearTimeout(timer);
  }, [failed]);

  if (!url) return <div className="preview-image preview-image--empty" data-testid={testId} />;
  // A distinct URL forces a new request; the host's preview route ignores extra params.
  const src = attempt === 0 ? url : `${url}${url.includes('?') ? '&' : '?'}r=${attempt}`;
  return (
    <img
      key={src}
      className="preview-image"
      src={failed ? undefined : src}
      alt={alt}
      draggable={false}
      data-testid={testId}
      onError={() => setFailed(true)}
    />
  );
}
