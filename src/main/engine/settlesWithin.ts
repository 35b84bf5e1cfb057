/**
 * Whether `promise` settles (fulfilled or rejected) within `ms`. For shutdown steps
 * that must not hang the quit: wait a bounded time, then go on either way.
 */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
