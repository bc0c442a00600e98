// Readiness by the service's own healthcheck, run by Berth: right after start, then at short,
// growing intervals, so readiness follows the app and not Docker's `interval` timer (Docker 20.10
// has no `start_interval`). Docker's own check keeps running; a pass from either counts.
//
// Under CPU contention a check can run past its timeout, and Docker then marks the container
// `unhealthy` after a few misses. Neither is a verdict here: the service fails only when no check
// passes for its whole readiness budget, or when the container stops or crash-loops.

import {
  type ContainerHost,
  type ContainerState,
  ContainerWaitError,
  type HealthcheckSpec,
  type ProbeResult,
} from '@berth/providers';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;
const GROWTH = 1.5;
/** Docker's default healthcheck timeout. */
const DEFAULT_PROBE_TIMEOUT_MS = 30_000;
/** A probe always gets at least this long, even at the end of the budget. */
const MIN_PROBE_TIMEOUT_MS = 1_000;
const LOG_TAIL = 40;

export interface HealthyReadiness {
  state: ContainerState;
  /** Which check passed first: Berth's own probe, or Docker's healthcheck. */
  by: 'probe' | 'docker';
  probes: number;
}

export async function waitHealthy(
  host: ContainerHost,
  name: string,
  healthcheck: HealthcheckSpec,
  timeoutMs: number,
): Promise<HealthyReadiness> {
  const deadline = Date.now() + timeoutMs;
  const probeTimeout = healthcheck.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let delay = FIRST_DELAY_MS;
  let last: ProbeResult | null = null;
  /** The last probe that ran to an exit code: under load the last one may only have timed out. */
  let lastAnswer: ProbeResult | null = null;
  let probes = 0;
  let restarts: number | undefined;
  /** At the deadline a probe still running gets its own timeout once more to answer. */
  let grace = false;
  for (;;) {
    const state = await host.inspectContainer(name);
    await failIfStopped(host, name, state, restarts);
    const current = state as ContainerState;
    restarts ??= current.restartCount;
    if (current.health === 'healthy') return { state: current, by: 'docker', probes };
    if (current.running) {
      const remaining = Math.max(MIN_PROBE_TIMEOUT_MS, deadline - Date.now());
      last = await host.probeHealth(name, healthcheck.test, {
        timeoutMs: grace ? probeTimeout : Math.min(probeTimeout, remaining),
      });
      probes += 1;
      if (last.exitCode !== null) lastAnswer = last;
      if (last.outcome === 'passed') {
        return { state: (await host.inspectContainer(name)) ?? current, by: 'probe', probes };
      }
    }
    if (Date.now() >= deadline && last?.outcome === 'timeout' && !grace) {
      // Slow is not failing: the check that is still running may yet pass.
      grace = true;
      continue;
    }
    if (Date.now() >= deadline) {
      const seen = { probes, last, lastAnswer };
      throw await budgetSpent(host, name, healthcheck, timeoutMs, seen, current);
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(MAX_DELAY_MS, Math.round(delay * GROWTH));
  }
}

/** Gone, exited or restarting: no amount of waiting makes it healthy. */
async function failIfStopped(
  host: ContainerHost,
  name: string,
  state: ContainerState | null,
  /** Restart count at the first look: a loaded host can hide a crash between two looks. */
  restartsBefore: number | undefined,
): Promise<void> {
  if (!state) throw new ContainerWaitError(name, 'missing', 'does not exist', null, '');
  const restarted = restartsBefore !== undefined && state.restartCount > restartsBefore;
  const summary =
    state.status === 'restarting' || restarted
      ? 'keeps exiting and being restarted (crash loop)'
      : state.status === 'exited' || state.status === 'dead'
        ? `exited with code ${state.exitCode ?? 'unknown'} before it was healthy`
        : null;
  if (!summary) return;
  const logs = await host.containerLogs(name, { tail: LOG_TAIL }).catch(() => '');
  throw new ContainerWaitError(name, 'exited', summary, state.exitCode, logs);
}

async function budgetSpent(
  host: ContainerHost,
  name: string,
  healthcheck: HealthcheckSpec,
  timeoutMs: number,
  {
    probes,
    last,
    lastAnswer,
  }: { probes: number; last: ProbeResult | null; lastAnswer: ProbeResult | null },
  state: ContainerState,
): Promise<ContainerWaitError> {
  const logs = await host.containerLogs(name, { tail: LOG_TAIL }).catch(() => '');
  const command = commandText(healthcheck.test);
  const summary =
    `did not pass its healthcheck within ${seconds(timeoutMs)} s ` +
    `(${probes} probes by Berth; Docker's own status: ${state.health ?? 'none'}); ` +
    `last probe ${describeProbe(last)}` +
    (lastAnswer && lastAnswer !== last ? `; last answer: ${describeProbe(lastAnswer)}` : '') +
    '. ' +
    `To fix: run the check by hand (docker exec ${name} ${command}) and make it exit 0 once the ` +
    `app is up, or give a slow start more time with healthcheck.start_period, interval or retries.`;
  return new ContainerWaitError(name, 'unhealthy', summary, state.exitCode, logs);
}

function describeProbe(last: ProbeResult | null): string {
  if (!last) return 'never ran: the container was not running';
  const output = last.output.trim() ? `: ${last.output.trim()}` : ' with no output';
  switch (last.outcome) {
    case 'failed':
      return `exited ${last.exitCode ?? '?'}${output}`;
    case 'timeout':
      return `timed out${output}`;
    case 'not-running':
      return `found the container not running${output}`;
    default:
      return `${last.outcome}${output}`;
  }
}

function commandText(test: HealthcheckSpec['test']): string {
  if (typeof test === 'string') return `sh -c '${test}'`;
  const [kind, ...rest] = test;
  if (kind === 'CMD-SHELL') return `sh -c '${rest[0] ?? ''}'`;
  return rest.map((a) => (/^[\w./:=-]+$/.test(a) ? a : `'${a}'`)).join(' ');
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
