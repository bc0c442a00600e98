// Waits for a container to be running / healthy / exited 0, and fails fast on a crash loop.
// With `restart: unless-stopped` a crashing service flips between `restarting` and a brief
// `running`, which a plain "running" wait would accept: so the wait runs in short slices and
// looks for `restarting` between them, and a "running" service must stay up for a settle period.
// A `healthy` wait with the service's healthcheck at hand probes the app itself (wait-healthy.ts).

import {
  type ContainerHost,
  type ContainerState,
  ContainerWaitError,
  type HealthcheckSpec,
  type WaitCondition,
} from '@berth/providers';
import { waitHealthy } from './wait-healthy.js';

const SLICE_MS = 1_000;
const LOG_TAIL = 40;

export interface WaitReadyOptions {
  until: WaitCondition;
  timeoutMs: number;
  /** How long a `running` service without a healthcheck must stay up (default 1.5 s). */
  settleMs?: number;
  /** The service's healthcheck: a `healthy` wait then runs it itself instead of only polling. */
  healthcheck?: HealthcheckSpec;
}

export interface Readiness {
  state: ContainerState;
  /** What showed it ready: Berth's own probe, Docker's healthcheck, or the container's state. */
  by: 'probe' | 'docker' | 'state';
}

export async function waitReady(
  host: ContainerHost,
  name: string,
  options: WaitReadyOptions,
): Promise<Readiness> {
  if (options.until === 'healthy' && options.healthcheck) {
    const { state, by } = await waitHealthy(host, name, options.healthcheck, options.timeoutMs);
    return { state, by };
  }
  const state = await waitByState(host, name, options);
  return { state, by: options.until === 'healthy' ? 'docker' : 'state' };
}

async function waitByState(
  host: ContainerHost,
  name: string,
  { until, timeoutMs, settleMs = 1_500 }: WaitReadyOptions,
): Promise<ContainerState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await failIfCrashLooping(host, name);
    const slice = Math.max(1, Math.min(SLICE_MS, deadline - Date.now()));
    try {
      const state = await host.waitForContainer(name, { until, timeoutMs: slice });
      if (until !== 'running') return state;
      await new Promise((r) => setTimeout(r, settleMs));
      // Under CPU contention a crashing process can look `running` at both looks; the engine's
      // restart count cannot: any restart during the settle period is a crash loop.
      await failIfCrashLooping(host, name, state.restartCount);
      return await host.waitForContainer(name, { until, timeoutMs: SLICE_MS });
    } catch (error) {
      const sliceOnly = error instanceof ContainerWaitError && error.reason === 'timeout';
      if (!sliceOnly || Date.now() >= deadline) {
        if (sliceOnly) throw timedOut(error, until, timeoutMs);
        throw error;
      }
    }
  }
}

async function failIfCrashLooping(
  host: ContainerHost,
  name: string,
  restartsBefore?: number,
): Promise<void> {
  const state = await host.inspectContainer(name);
  const restarted = restartsBefore !== undefined && (state?.restartCount ?? 0) > restartsBefore;
  if (!state || (state.status !== 'restarting' && !restarted)) return;
  const logs = await host.containerLogs(name, { tail: LOG_TAIL }).catch(() => '');
  throw new ContainerWaitError(
    name,
    'exited',
    'keeps exiting and being restarted (crash loop)',
    state.exitCode,
    logs,
  );
}

/** The slice's message says "after 1000 ms": restate it with the whole wait. */
function timedOut(
  error: ContainerWaitError,
  until: WaitCondition,
  timeoutMs: number,
): ContainerWaitError {
  const state = /\(state: [^)]*\)/.exec(error.summary)?.[0] ?? '';
  return new ContainerWaitError(
    error.container,
    'timeout',
    `was not ${until} after ${timeoutMs} ms ${state}`.trim(),
    error.exitCode,
    error.logs,
  );
}
