// Everything an integration test starts is stopped after it, even when the test fails:
// newest first (a reader before the server it reads from), and a stop that throws does
// not keep the others from running.
import { afterEach } from 'vitest';

export type Stop = () => Promise<unknown> | void;

/** Call once at the top of a test file; push a stop for everything a test starts. */
export function stopsAfterEach(): Stop[] {
  const stops: Stop[] = [];
  afterEach(async () => {
    while (stops.length > 0) {
      try {
        await stops.pop()!();
      } catch {
        // Keep stopping the rest.
      }
    }
  });
  return stops;
}
