// Real engine: Berth runs a container's healthcheck command itself (exec), in the CMD, CMD-SHELL
// and NONE forms, and reports failing, slow and stopped containers as outcomes, not errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContainerSpec } from '../container-host.port.js';
import { BASE_IMAGE, testEnv, type TestEnv } from './int-spec-support.js';

let env: TestEnv;
let network: string;
let sleeper: string;

beforeAll(async () => {
  env = await testEnv();
  network = env.name('net');
  await env.host.ensureNetwork({ name: network, labels: env.labels });
  sleeper = (await env.host.runContainer(spec('sleeper'))).name;
});

afterAll(async () => {
  await env?.cleanup();
});

function spec(suffix: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: env.name(suffix),
    image: BASE_IMAGE,
    command: ['sleep', 'infinity'],
    env: { GREETING: 'hello-from-env' },
    labels: { ...env.labels, 'berth.service': suffix },
    network: { name: network },
    ...overrides,
  };
}

const probe = (test: string | string[], timeoutMs = 10_000, name = sleeper) =>
  env.host.probeHealth(name, test, { timeoutMs });

describe('probeHealth', () => {
  it('CMD runs the program directly: no shell expands its arguments', async () => {
    const result = await probe(['CMD', 'echo', '$GREETING']);
    expect(result).toEqual({ outcome: 'passed', exitCode: 0, output: '$GREETING' });
  });

  it("CMD-SHELL and a plain string run through /bin/sh with the container's environment", async () => {
    expect(await probe(['CMD-SHELL', 'echo "$GREETING"'])).toEqual({
      outcome: 'passed',
      exitCode: 0,
      output: 'hello-from-env',
    });
    expect(await probe('echo "$GREETING" >&2; exit 0')).toMatchObject({
      outcome: 'passed',
      output: 'hello-from-env',
    });
  });

  it('a failing check reports its exit code and output', async () => {
    expect(await probe(['CMD-SHELL', 'echo not-ready-yet; exit 3'])).toEqual({
      outcome: 'failed',
      exitCode: 3,
      output: 'not-ready-yet',
    });
    const missing = await probe(['CMD', '/no/such/program']);
    expect(missing.outcome).toBe('failed');
    expect(missing.exitCode).not.toBe(0);
  });

  it('NONE runs nothing', async () => {
    expect(await probe(['NONE'])).toEqual({ outcome: 'none', exitCode: null, output: '' });
  });

  it('a slow check is a timeout; the next probe waits for it and reports its late result', async () => {
    const slow = await probe(['CMD-SHELL', 'echo started; sleep 3; exit 5'], 300);
    expect(slow.outcome).toBe('timeout');
    expect(slow.output).toContain('did not finish within 300 ms');
    const execIds = async () =>
      (await env.host.docker.getContainer(sleeper).inspect()).ExecIDs ?? [];
    const before = await execIds();
    const meanwhile = await probe(['CMD', 'true'], 100);
    expect(meanwhile).toMatchObject({ outcome: 'timeout' });
    expect(meanwhile.output).toContain('previous probe is still running');
    // No exec was started for the blocked probe.
    expect(await execIds()).toEqual(before);
    // The slow one's own verdict, once it has one, is the next result: a late answer counts.
    const late = await probe(['CMD', 'true'], 30_000);
    expect(late).toMatchObject({ outcome: 'failed', exitCode: 5 });
    expect(late.output).toContain('started');
    expect(late.output).toContain('finished after its timeout');
    expect(await probe(['CMD', 'true'])).toEqual({ outcome: 'passed', exitCode: 0, output: '' });
  });

  it('a late result from a replaced container is not reported for its successor', async () => {
    const first = await env.host.runContainer(spec('replaced'));
    const slow = await probe(['CMD-SHELL', 'sleep 2'], 200, first.name);
    expect(slow.outcome).toBe('timeout');
    await env.host.removeContainer(first.name);
    const second = await env.host.runContainer(spec('replaced'));
    expect(second.id).not.toBe(first.id);
    expect(await probe(['CMD-SHELL', 'exit 7'], 10_000, second.name)).toMatchObject({
      outcome: 'failed',
      exitCode: 7,
    });
  });

  it('a stopped or missing container is not-running, not an error', async () => {
    const done = await env.host.runContainer(spec('done', { command: ['true'] }));
    await env.host.waitForContainer(done.name, { until: 'exited-0', timeoutMs: 15_000 });
    const stopped = await probe(['CMD', 'true'], 5_000, done.name);
    expect(stopped.outcome).toBe('not-running');
    expect(stopped.output).toMatch(/not running/i);
    const gone = await probe(['CMD', 'true'], 5_000, env.name('never-created'));
    expect(gone.outcome).toBe('not-running');
  });
});
