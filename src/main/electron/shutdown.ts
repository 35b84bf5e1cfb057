/** Runs shutdown steps in order, each given the rest of one overall deadline. */
export async function shutdownInOrder(
  steps: readonly { readonly name: string; run(): Promise<void> }[],
  deadlineMs: number,
  onProblem: (message: string) => void,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (const step of steps) {
    const left = end - Date.now();
    if (left <= 0) {
      onProblem(`shutdown: no time left for ${step.name}`);
      continue;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), left);
    });
    try {
      const outcome = await Promise.race([step.run().then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') onProblem(`shutdown: ${step.name} did not finish in time`);
    } catch (err) {
      onProblem(`shutdown: ${step.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
