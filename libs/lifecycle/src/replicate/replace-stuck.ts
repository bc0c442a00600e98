// A re-run of replicate (BullMQ retry, check-run re-run) can find a long-running service's
// container as the last attempt left it: unhealthy, stopped or crash-looping. Reusing it as is
// would replay the old verdict in milliseconds. Observe → compare → act: one probe tells a
// container that recovered (keep it) from one that is not answering (remove it, so runContainer
// creates it fresh with its whole readiness budget). A probe that only timed out counts as not
// answering: on a loaded host a fresh start is the one outcome that is sure to converge. Safe to
// run twice: a fresh or healthy container is left alone.

import type { ContainerHost } from '@berth/providers';
import type { ServicePlan } from './container-plan.js';

const STOPPED = new Set(['exited', 'dead', 'restarting']);

export type StuckVerdict =
  /** Nothing there, or nothing wrong with it. */
  | null
  /** Docker says unhealthy, but the app passes its check now: keep it. */
  | 'kept'
  /** Stopped, crash-looping, or not passing its check: removed, to be created again. */
  | 'removed';

export async function replaceIfStuck(
  host: ContainerHost,
  service: ServicePlan,
): Promise<StuckVerdict> {
  // A one-shot that exited is the normal end of its life; runContainer re-runs a failed one.
  if (service.oneShot) return null;
  const { name, healthcheck } = service.container;
  const state = await host.inspectContainer(name);
  if (!state) return null;
  const stopped = STOPPED.has(state.status);
  if (!stopped && state.health !== 'unhealthy') return null;
  if (!stopped && healthcheck) {
    const probe = await host.probeHealth(name, healthcheck.test, {
      timeoutMs: healthcheck.timeoutMs ?? 30_000,
    });
    if (probe.outcome === 'passed') return 'kept';
  }
  await host.removeContainer(name);
  return 'removed';
}
