import type { Logger } from 'pino';

/**
 * One step of a shutdown, given at most `ms`: a step that hangs (a pool waiting for a query a
 * cut-off job still runs, a peer that never answers) is left behind with a warning naming it,
 * so the process stops inside run-service's 10 s and the log says which step was slow. Leaving
 * it is safe: every unit of work commits in one transaction or not at all, and a stage cut off
 * is re-run by another worker once its lease lapses.
 */
export async function shutdownStep(
  logger: Logger,
  name: string,
  ms: number,
  step: () => Promise<unknown>,
): Promise<boolean> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    step().then(
      () => true,
      (error: unknown) => {
        logger.warn({ err: error, step: name }, `shutdown: ${name} failed; going on`);
        return true;
      },
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  const elapsedMs = Date.now() - started;
  if (!inTime)
    logger.warn(
      { step: name, ms },
      `shutdown: ${name} did not finish within ${ms} ms; going on without it`,
    );
  else logger.debug({ step: name, elapsedMs }, `shutdown: ${name} done`);
  return inTime;
}
