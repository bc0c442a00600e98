/**
 * Environment lifecycle states.
 *
 * pending      row created, nothing decided yet
 * held         fork PR waiting for a maintainer's `preview:approved` on this head SHA
 * skipped      `preview:skip`: the lifecycle tears down whatever exists and builds nothing
 * building     the build stage of the current generation is queued or running
 * provisioning replicate → wire → expose of the current generation
 * ready        every stage of the current generation succeeded
 * failed       a stage of the current generation failed (a new push or label retries)
 * destroying   PR closed: teardown walks the ledger
 * destroyed    everything in the ledger is gone (a reopen starts over)
 */
export const ENVIRONMENT_STATES = [
  'pending',
  'held',
  'skipped',
  'building',
  'provisioning',
  'ready',
  'failed',
  'destroying',
  'destroyed',
] as const;
export type EnvironmentState = (typeof ENVIRONMENT_STATES)[number];

/** The stages a generation runs, in order; `teardown` runs on close/skip and is not superseded. */
// wire before replicate: URLs and credentials are computed once per revision and handed to every
// container as one unit when it is created (DESIGN.md stage 4), so they must exist first.
export const PIPELINE_STAGES = ['build', 'wire', 'replicate', 'expose'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** The stage after `stage` in a generation's run, or `undefined` after the last one. */
export function nextStage(stage: PipelineStage): PipelineStage | undefined {
  return PIPELINE_STAGES[PIPELINE_STAGES.indexOf(stage) + 1];
}

/** No further work happens without a new pull-request event. */
export function isTerminal(state: EnvironmentState): boolean {
  return state === 'destroyed';
}

/** Containers etc. may exist or be in the making: teardown has something to do. */
export function mayHoldResources(state: EnvironmentState): boolean {
  return state !== 'pending' && state !== 'destroyed';
}

/**
 * How a new generation starts: `skip` when `preview:skip` is set (wins over everything),
 * `hold` for a fork whose head SHA is not approved, else `proceed`.
 */
export type StartGate = 'proceed' | 'hold' | 'skip';
