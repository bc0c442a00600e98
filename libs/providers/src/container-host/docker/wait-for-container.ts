// Polls a container until it is healthy / running / exited 0, or explains why it never will.

import type Docker from 'dockerode';
import { ContainerWaitError, type WaitFailureReason } from '../container-host.errors.js';
import { type ContainerState, type WaitOptions } from '../container-host.port.js';
import { containerLogs, inspectRaw, toState } from './docker-containers.js';

const POLL_MS = 200;
const LOG_TAIL = 40;

type Verdict = { done: true } | { fail: WaitFailureReason; summary: string } | null;

export async function waitForContainer(
  docker: Docker,
  name: string,
  { until, timeoutMs }: WaitOptions,
): Promise<ContainerState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await inspectRaw(docker, name);
    if (!info) throw await failure(docker, name, 'missing', 'does not exist', null);
    const state = toState(info);
    const verdict = judge(until, info);
    if (verdict && 'done' in verdict) return state;
    if (verdict) throw await failure(docker, name, verdict.fail, verdict.summary, state.exitCode);
    if (Date.now() >= deadline) {
      const where = state.health ? `${state.status}, ${state.health}` : state.status;
      throw await failure(
        docker,
        name,
        'timeout',
        `was not ${until} after ${timeoutMs} ms (state: ${where})`,
        state.exitCode,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function judge(until: WaitOptions['until'], info: Docker.ContainerInspectInfo): Verdict {
  const s = info.State;
  const stopped = s.Status === 'exited' || s.Status === 'dead';
  if (until === 'exited-0') {
    if (!stopped) return null;
    return s.ExitCode === 0
      ? { done: true }
      : { fail: 'exited', summary: `exited with code ${s.ExitCode}${oom(s)}` };
  }
  if (stopped) {
    return {
      fail: 'exited',
      summary: `exited with code ${s.ExitCode}${oom(s)} before it was ${until}`,
    };
  }
  if (until === 'running') return s.Running ? { done: true } : null;
  // until === 'healthy'
  if (!info.Config.Healthcheck?.Test?.length || info.Config.Healthcheck.Test[0] === 'NONE') {
    return { fail: 'no-healthcheck', summary: "has no healthcheck: wait for 'running' instead" };
  }
  const health = s.Health;
  if (health?.Status === 'healthy') return { done: true };
  if (health?.Status === 'unhealthy') {
    const last = health.Log?.at(-1);
    const detail = last ? `; last check exited ${last.ExitCode}: ${last.Output.trim()}` : '';
    return { fail: 'unhealthy', summary: `is unhealthy${detail}` };
  }
  return null;
}

function oom(s: Docker.ContainerInspectInfo['State']): string {
  return s.OOMKilled ? ' (killed: out of memory — raise its memory limit)' : '';
}

async function failure(
  docker: Docker,
  name: string,
  reason: WaitFailureReason,
  summary: string,
  exitCode: number | null,
): Promise<ContainerWaitError> {
  const logs =
    reason === 'missing' ? '' : await containerLogs(docker, name, LOG_TAIL).catch(() => '');
  return new ContainerWaitError(name, reason, summary, exitCode, logs);
}
