// Real engine: networks, volumes, the security floor, service-name DNS, waits, labels, removal.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerSpecError, ContainerWaitError } from '../container-host.errors.js';
import { type ContainerSpec } from '../container-host.port.js';
import { BASE_IMAGE, testEnv, type TestEnv } from './int-spec-support.js';

let env: TestEnv;
let network: string;
const MiB = 1024 * 1024;

beforeAll(async () => {
  env = await testEnv();
  network = env.name('net');
  await env.host.ensureNetwork({ name: network, labels: env.labels });
});

afterAll(async () => {
  await env?.cleanup();
});

function spec(suffix: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: env.name(suffix),
    image: BASE_IMAGE,
    command: ['sleep', 'infinity'],
    labels: { ...env.labels, 'berth.service': suffix },
    network: { name: network },
    ...overrides,
  };
}

async function failureOf(p: Promise<unknown>): Promise<ContainerWaitError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ContainerWaitError);
  return err as ContainerWaitError;
}

describe('networks and volumes', () => {
  it('ensureNetwork is idempotent by name and makes an internal, labelled bridge', async () => {
    const again = await env.host.ensureNetwork({ name: network, labels: env.labels });
    const third = await env.host.ensureNetwork({ name: network, labels: env.labels });
    expect(again.created).toBe(false);
    expect(third.id).toBe(again.id);
    const info = (await env.host.docker.getNetwork(network).inspect()) as {
      Internal: boolean;
      Driver: string;
      Labels: Record<string, string>;
    };
    expect(info).toMatchObject({ Internal: true, Driver: 'bridge' });
    expect(info.Labels).toMatchObject({ 'berth.managed': 'true', 'berth.env': env.id });
    const sameName = await env.host.docker.listNetworks({ filters: { name: [network] } });
    expect(sameName.filter((n) => n.Name === network)).toHaveLength(1);
  });

  it('ensureVolume is idempotent', async () => {
    const name = env.name('data');
    expect(await env.host.ensureVolume({ name, labels: env.labels })).toEqual({
      name,
      created: true,
    });
    expect(await env.host.ensureVolume({ name, labels: env.labels })).toEqual({
      name,
      created: false,
    });
  });
});

describe('runContainer', () => {
  it('always applies the security floor and the limits, visible in inspect and in the kernel', async () => {
    const run = await env.host.runContainer(
      spec('probe', {
        // The process reports its own privileges: NoNewPrivs and the effective capability mask.
        command: ['sh', '-c', 'grep -E "^(NoNewPrivs|CapEff):" /proc/self/status'],
        limits: { memoryBytes: 64 * MiB, pids: 64, cpus: 0.5 },
        capAdd: ['chown'],
      }),
    );
    expect(run.action).toBe('created');
    const state = await env.host.waitForContainer(run.name, {
      until: 'exited-0',
      timeoutMs: 15_000,
    });
    expect(state.exitCode).toBe(0);
    const logs = await env.host.containerLogs(run.name);
    expect(logs).toMatch(/NoNewPrivs:\s+1/);
    expect(logs).toMatch(/CapEff:\s+0000000000000001/); // CHOWN only

    const info = await env.host.docker.getContainer(run.id).inspect();
    expect(info.HostConfig).toMatchObject({
      Init: true,
      Privileged: false,
      SecurityOpt: ['no-new-privileges:true'],
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN'],
      Memory: 64 * MiB,
      PidsLimit: 64,
      NanoCpus: 500_000_000,
      PublishAllPorts: false,
      NetworkMode: network,
    });
    expect(Object.keys(info.HostConfig.PortBindings ?? {})).toEqual([]);
    expect(info.Config.Labels).toMatchObject({
      'berth.managed': 'true',
      'berth.env': env.id,
      'berth.config-hash': run.configHash,
    });
  });

  it('limits a container whose spec has none, with the driver defaults', async () => {
    const run = await env.host.runContainer(spec('defaults'));
    const info = await env.host.docker.getContainer(run.id).inspect();
    expect(info.HostConfig.Memory).toBe(512 * MiB);
    expect(info.HostConfig.PidsLimit).toBe(512);
    expect(info.HostConfig.NanoCpus).toBe(1_000_000_000);
    expect(info.HostConfig.CapAdd ?? []).toEqual([]);
  });

  it('refuses capabilities off the allowlist and host paths, naming the field', async () => {
    await expect(
      env.host.runContainer(spec('netadmin', { capAdd: ['NET_ADMIN'] })),
    ).rejects.toThrow(/capAdd: capability "NET_ADMIN" is not allowed/);
    const bind = env.host.runContainer(
      spec('bind', {
        mounts: [{ volume: '/var/run/docker.sock', target: '/var/run/docker.sock' }],
      }),
    );
    await expect(bind).rejects.toBeInstanceOf(ContainerSpecError);
    await expect(bind).rejects.toThrow(/mounts\[0\]\.volume: .*host paths are not allowed/);
    expect(await env.host.inspectContainer(env.name('netadmin'))).toBeNull();
  });

  it('is idempotent by name: same config reused, changed config replaced', async () => {
    // beforeReplace runs only for a replacement, while the old container still exists.
    const seen: (string | undefined)[] = [];
    const beforeReplace = async () => {
      seen.push((await env.host.inspectContainer(env.name('idem')))?.id);
    };
    const first = await env.host.runContainer(spec('idem', { env: { A: '1' } }), {
      beforeReplace,
    });
    const again = await env.host.runContainer(spec('idem', { env: { A: '1' } }), {
      beforeReplace,
    });
    expect(again).toEqual({ ...first, action: 'reused' });
    await env.host.docker.getContainer(first.id).stop({ t: 0 });
    const restarted = await env.host.runContainer(spec('idem', { env: { A: '1' } }), {
      beforeReplace,
    });
    expect(restarted).toMatchObject({ id: first.id, action: 'started' });
    expect(seen).toEqual([]);
    const changed = await env.host.runContainer(spec('idem', { env: { A: '2' } }), {
      beforeReplace,
    });
    expect(seen).toEqual([first.id]);
    expect(changed.action).toBe('replaced');
    expect(changed.id).not.toBe(first.id);
    expect(changed.configHash).not.toBe(first.configHash);
    expect((await env.host.inspectContainer(env.name('idem')))?.id).toBe(changed.id);
  });

  it('resolves services by their alias on the environment network', async () => {
    const db = await env.host.runContainer(
      spec('db', { network: { name: network, aliases: ['db'] } }),
    );
    const dbState = await env.host.waitForContainer(db.name, {
      until: 'running',
      timeoutMs: 10_000,
    });
    const dbIp = dbState.networks[network];
    expect(dbIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const client = await env.host.runContainer(
      spec('dns-client', { command: ['getent', 'hosts', 'db'] }),
    );
    await env.host.waitForContainer(client.name, { until: 'exited-0', timeoutMs: 15_000 });
    expect(await env.host.containerLogs(client.name)).toContain(dbIp);
  });

  it('mounts named volumes', async () => {
    const volume = env.name('data');
    await env.host.ensureVolume({ name: volume, labels: env.labels });
    const writer = await env.host.runContainer(
      spec('writer', {
        command: ['sh', '-c', 'echo persisted > /data/file'],
        mounts: [{ volume, target: '/data' }],
      }),
    );
    await env.host.waitForContainer(writer.name, { until: 'exited-0', timeoutMs: 15_000 });
    const reader = await env.host.runContainer(
      spec('reader', {
        command: ['cat', '/data/file'],
        mounts: [{ volume, target: '/data', readOnly: true }],
      }),
    );
    await env.host.waitForContainer(reader.name, { until: 'exited-0', timeoutMs: 15_000 });
    expect(await env.host.containerLogs(reader.name)).toBe('persisted\n');
  });
});

describe('waitForContainer', () => {
  it('resolves once the healthcheck passes', async () => {
    const run = await env.host.runContainer(
      spec('healthy', {
        command: ['sh', '-c', 'sleep 1; touch /tmp/ready; exec sleep infinity'],
        healthcheck: { test: 'test -f /tmp/ready', intervalMs: 300, timeoutMs: 1000, retries: 10 },
      }),
    );
    const state = await env.host.waitForContainer(run.name, {
      until: 'healthy',
      timeoutMs: 20_000,
    });
    expect(state.health).toBe('healthy');
  });

  it('fails on unhealthy with the check output and the logs', async () => {
    const run = await env.host.runContainer(
      spec('unhealthy', {
        command: ['sh', '-c', 'echo starting-unhealthy; exec sleep infinity'],
        healthcheck: {
          test: 'echo check-says-no; exit 1',
          intervalMs: 200,
          timeoutMs: 1000,
          retries: 2,
        },
      }),
    );
    const err = await failureOf(
      env.host.waitForContainer(run.name, { until: 'healthy', timeoutMs: 20_000 }),
    );
    expect(err.reason).toBe('unhealthy');
    expect(err.message).toContain('check-says-no');
    expect(err.logs).toContain('starting-unhealthy');
  });

  it('fails on a non-zero exit with the code and the last log lines', async () => {
    const run = await env.host.runContainer(
      spec('crash', { command: ['sh', '-c', 'echo migration-42-failed >&2; exit 7'] }),
    );
    const err = await failureOf(
      env.host.waitForContainer(run.name, { until: 'exited-0', timeoutMs: 15_000 }),
    );
    expect(err.reason).toBe('exited');
    expect(err.exitCode).toBe(7);
    expect(err.message).toContain('exited with code 7');
    expect(err.message).toContain('migration-42-failed');
    // Waiting for health on a container that died says so too, not "timeout".
    const early = await failureOf(
      env.host.waitForContainer(run.name, { until: 'running', timeoutMs: 5_000 }),
    );
    expect(early.reason).toBe('exited');
  });

  it('times out with the state it was stuck in', async () => {
    const run = await env.host.runContainer(
      spec('stuck', { command: ['sh', '-c', 'echo still-going; exec sleep infinity'] }),
    );
    const err = await failureOf(
      env.host.waitForContainer(run.name, { until: 'exited-0', timeoutMs: 600 }),
    );
    expect(err.reason).toBe('timeout');
    expect(err.message).toMatch(/was not exited-0 after 600 ms \(state: running\)/);
    expect(err.logs).toContain('still-going');
    const missing = await failureOf(
      env.host.waitForContainer(env.name('never-created'), { until: 'running', timeoutMs: 1_000 }),
    );
    expect(missing.reason).toBe('missing');
  });
});

describe('inventory and removal', () => {
  it('lists everything by label, and every removal is idempotent', async () => {
    const found = await env.host.listByLabels({ 'berth.env': env.id, 'berth.managed': 'true' });
    expect(found.networks.map((n) => n.name)).toEqual([network]);
    expect(found.volumes.map((v) => v.name)).toEqual([env.name('data')]);
    expect(found.containers.map((c) => c.name)).toEqual(
      expect.arrayContaining([env.name('db'), env.name('healthy'), env.name('probe')]),
    );
    for (const c of found.containers) expect(c.labels['berth.env']).toBe(env.id);
    // Creation times, for the reconciler's grace period: all made by this file, minutes ago.
    for (const made of [...found.containers, ...found.networks, ...found.volumes]) {
      const age = Date.now() - Date.parse(made.createdAt ?? '');
      expect(age, made.name).toBeGreaterThanOrEqual(-5_000);
      expect(age, made.name).toBeLessThan(30 * 60_000);
    }
    const other = await env.host.listByLabels({ 'berth.env': `${env.id}-other` });
    expect(other).toEqual({ containers: [], networks: [], volumes: [] });

    // The network goes first on purpose: still-attached containers are disconnected.
    await env.host.removeNetwork(network);
    await env.host.removeNetwork(network);
    for (const c of found.containers) {
      await env.host.removeContainer(c.name);
      await env.host.removeContainer(c.name);
    }
    await env.host.removeVolume(env.name('data'));
    await env.host.removeVolume(env.name('data'));
    expect(await env.host.listByLabels({ 'berth.env': env.id })).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    });
    expect(await env.host.inspectContainer(env.name('db'))).toBeNull();
  });
});
