/** The generation of a newly created environment. */
export const INITIAL_GENERATION = 1;

export interface GenerationChange {
  headShaChanged: boolean;
  /** From `configChanged(old, new)` of the labels. */
  configChanged: boolean;
  reopened: boolean;
}

function assertGeneration(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${field} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/**
 * A new head SHA, a build-relevant config change or a reopen bumps the generation; anything else
 * (a replayed delivery, a TTL-only label, an `edited` title) keeps it.
 */
export function nextGeneration(current: number, change: GenerationChange): number {
  assertGeneration(current, 'current generation', 0);
  return change.headShaChanged || change.configChanged || change.reopened ? current + 1 : current;
}

/**
 * A job carrying an older generation than the environment's must stop without acting and report
 * "superseded". A job from a *newer* generation than the row cannot exist: that is a bug, thrown.
 */
export function isSuperseded(jobGeneration: number, currentGeneration: number): boolean {
  assertGeneration(jobGeneration, 'job generation', INITIAL_GENERATION);
  assertGeneration(currentGeneration, 'current generation', INITIAL_GENERATION);
  if (jobGeneration > currentGeneration) {
    throw new Error(
      `job generation ${jobGeneration} is newer than the environment's ${currentGeneration}: the job and the row disagree`,
    );
  }
  return jobGeneration < currentGeneration;
}
