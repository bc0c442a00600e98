import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '../progress.js';
import type { ActionResult, EnvironmentDetail, RestClient } from '../rest-client.js';
import { label } from './environment-target.js';

// After an action the api answers as soon as a worker took the job; the preview is not ready
// (or gone) until the stages ran. `berth env redeploy|rebuild|destroy` poll the environment
// until it settles, unless --no-follow.

export type Settled =
  | { outcome: 'done'; environment: EnvironmentDetail }
  | { outcome: 'failed'; environment: EnvironmentDetail; reason: string }
  | { outcome: 'timeout'; environment: EnvironmentDetail };

/** Has the environment settled after this action? undefined: not yet. */
export function settledAfter(
  action: 'redeploy' | 'rebuild' | 'destroy',
  generation: number,
  env: EnvironmentDetail,
): Settled | undefined {
  if (action === 'destroy') {
    return env.state === 'destroyed' ? { outcome: 'done', environment: env } : undefined;
  }
  if (env.generation < generation) return undefined;
  if (env.state === 'ready') return { outcome: 'done', environment: env };
  if (env.state === 'failed' || env.state === 'destroyed' || env.state === 'skipped') {
    const failed = env.stages.find((s) => s.status === 'failed');
    const reason = failed
      ? `${failed.stage} failed${failed.error ? `: ${failed.error}` : ''}`
      : `it is ${env.state}`;
    return { outcome: 'failed', environment: env, reason };
  }
  return undefined;
}

/** The generation a redeploy makes: the api's answer, else (queued) the one after `before`. */
export function targetGeneration(before: EnvironmentDetail, result: ActionResult): number {
  return result.generation ?? before.generation + 1;
}

export async function followEnvironment(options: {
  client: RestClient;
  id: string;
  action: 'redeploy' | 'rebuild' | 'destroy';
  generation: number;
  timeoutMs: number;
  progress: Progress;
  intervalMs?: number;
}): Promise<Settled> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const env = await options.client.environment(options.id);
    const settled = settledAfter(options.action, options.generation, env);
    if (settled) return settled;
    if (Date.now() >= deadline) return { outcome: 'timeout', environment: env };
    const running = env.stages.filter((s) => s.status === 'running').map((s) => s.stage);
    options.progress.update(
      `${label(env)}: ${env.state} (generation ${env.generation})` +
        (running.length ? `, ${running.join(', ')}` : ''),
    );
    await sleep(options.intervalMs ?? 1_000);
  }
}
