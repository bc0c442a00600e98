// The readiness loop against a scripted host: slow and failing probes and Docker's `unhealthy`
// are not verdicts; only a whole budget without a pass, or a stopped container, is.

import type { ContainerHost, ContainerState, ProbeResult } from '@berth/providers';
import { ContainerWaitError } from '@berth/providers';
import { describe, expect, it } from 'vitest';
import { waitHealthy } from './wait-healthy.js';

type Health = ContainerState['health'];

function state(
  status: string,
  health: Health,
  exitCode: number | null = null,
  restartCount = 0,
): ContainerState {
  return {
    id: 'c1',
    name: 'app',
    image: 'img',
    status,
    running: status === 'running',
    exitCode,
    health,
    restartCount,
    labels: {},
    networks: {},
  };
}

/** Each call takes the next scripted value; the last one repeats. */
function script<T>(values: readonly T[]): () => T {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] as T;
}

function fakeHost(states: ContainerState[], probes: ProbeResult[]) {
  const nextState = script(states);
  const nextProbe = script(probes);
  const calls: string[] = [];
  const host = {
    inspectContainer: async () => nextState(),
    probeHealth: async () => {
      const p = nextProbe();
      calls.push(p.outcome);
      return p;
    },
    containerLogs: async () => 'app log line: listening soon',
  };
  // Only what waitHealthy calls; the rest of the port is never reached.
  return { host: host as unknown as ContainerHost, calls };
}

const check = { test: ['CMD', 'check'], timeoutMs: 1_000 };
const timeout: ProbeResult = { outcome: 'timeout', exitCode: null, output: 'slow' };
const failed: ProbeResult = { outcome: 'failed', exitCode: 1, output: 'connection refused' };
const passed: ProbeResult = { outcome: 'passed', exitCode: 0, output: '' };

describe('waitHealthy', () => {
  it('is ready on the first passing probe, before Docker has run its own check', async () => {
    const { host, calls } = fakeHost([state('running', 'starting')], [passed]);
    const ready = await waitHealthy(host, 'app', check, 10_000);
    expect(ready).toMatchObject({ by: 'probe', probes: 1 });
    expect(calls).toEqual(['passed']);
  });

  it('rides out timed-out and failing probes and a Docker `unhealthy` under load', async () => {
    const { host, calls } = fakeHost(
      [state('running', 'unhealthy')],
      [timeout, timeout, failed, passed],
    );
    const ready = await waitHealthy(host, 'app', check, 30_000);
    expect(ready.by).toBe('probe');
    expect(calls).toEqual(['timeout', 'timeout', 'failed', 'passed']);
  });

  it("counts Docker's own pass too", async () => {
    const { host } = fakeHost(
      [state('running', 'starting'), state('running', 'healthy')],
      [timeout],
    );
    expect((await waitHealthy(host, 'app', check, 30_000)).by).toBe('docker');
  });

  it('fails after the whole budget with the last probe output and how to fix it', async () => {
    const { host } = fakeHost([state('running', 'unhealthy')], [failed]);
    const error = await waitHealthy(host, 'app', check, 600).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContainerWaitError);
    const e = error as ContainerWaitError;
    expect(e.reason).toBe('unhealthy');
    expect(e.message).toMatch(/did not pass its healthcheck within 0\.6 s/);
    expect(e.message).toContain("Docker's own status: unhealthy");
    expect(e.message).toContain('last probe exited 1: connection refused');
    expect(e.message).toContain('docker exec app check');
    expect(e.message).toContain('healthcheck.start_period');
    expect(e.logs).toContain('listening soon');
  });

  it('names the last answer too when the very last probe only timed out', async () => {
    const { host } = fakeHost([state('running', 'starting')], [failed, timeout]);
    const error = (await waitHealthy(host, 'app', check, 600).catch(
      (e: unknown) => e,
    )) as ContainerWaitError;
    expect(error.message).toContain('last probe timed out: slow');
    expect(error.message).toContain('last answer: exited 1: connection refused');
  });

  it('gives a probe still running at the deadline one more timeout to answer', async () => {
    const { host, calls } = fakeHost([state('running', 'starting')], [timeout, passed]);
    const ready = await waitHealthy(host, 'app', check, 1);
    expect(ready.by).toBe('probe');
    expect(calls).toEqual(['timeout', 'passed']);
  });

  it('sees a crash between two looks by the restart count', async () => {
    const { host, calls } = fakeHost(
      [state('running', 'starting'), state('running', 'starting', null, 1)],
      [failed],
    );
    const error = (await waitHealthy(host, 'app', check, 30_000).catch(
      (e: unknown) => e,
    )) as ContainerWaitError;
    expect(error.reason).toBe('exited');
    expect(error.message).toContain('crash loop');
    expect(calls).toEqual(['failed']);
  });

  it('fails at once on a crash loop or an exit, with the logs', async () => {
    for (const stopped of [state('restarting', null, 1), state('exited', null, 2)]) {
      const { host, calls } = fakeHost([stopped], [passed]);
      const error = (await waitHealthy(host, 'app', check, 30_000).catch(
        (e: unknown) => e,
      )) as ContainerWaitError;
      expect(error.reason).toBe('exited');
      expect(error.message).toMatch(/crash loop|exited with code 2/);
      expect(error.logs).toContain('listening soon');
      expect(calls).toEqual([]);
    }
  });
});
