// Real engine + test database: readiness follows the app, not Docker's healthcheck timer. Berth
// runs each service's own check (CMD and CMD-SHELL forms) right after start; a container a
// failed attempt left unhealthy is replaced on the retry; a check that never passes fails with
// the service, its last probe output (secrets removed) and how to fix it.

import { parseComposeOrThrow } from '@berth/core';
import type { PrismaClient } from '@berth/db';
import type { DockerContainerHost } from '@berth/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevisionImages } from '../pipeline/revision-outputs.js';
import { createReplicateHandler, type ReplicateDetails } from './replicate-handler.js';
import {
  DEBIAN_IMAGE,
  type TestEnvironment,
  createTestEnvironment,
  removeByEnvLabel,
  stageInput,
  testDatabase,
  testHost,
  wiringFor,
} from './shop-fixture.int-support.js';

let host: DockerContainerHost;
let prisma: PrismaClient;
const envs: TestEnvironment[] = [];
let nextPr = 40;

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
});

afterAll(async () => {
  for (const env of envs) await removeByEnvLabel(host, env.envLabel).catch(() => undefined);
  await prisma?.$disconnect();
});

/**
 * `healthyMinMs`: the floor of a healthy wait. A short one makes a check that never passes fail
 * in seconds instead of the default 30 s; the default leaves room for a loaded CI host.
 */
const replicate = (healthyMinMs?: number) =>
  createReplicateHandler({
    containerHost: host,
    prisma,
    ...(healthyMinMs ? { timeouts: { healthyMinMs } } : {}),
  });

async function environment(compose: string): Promise<TestEnvironment> {
  const spec = parseComposeOrThrow(compose);
  const images: RevisionImages = Object.fromEntries(
    Object.keys(spec.services).map((n) => [
      n,
      { tag: DEBIAN_IMAGE, source: 'image', durationMs: 0 },
    ]),
  );
  const pr = nextPr++;
  const env = await createTestEnvironment(prisma, pr, images, wiringFor(spec, `ready#${pr}`, pr));
  envs.push(env);
  return env;
}

async function run(env: TestEnvironment): Promise<ReplicateDetails> {
  const outcome = await replicate().run(stageInput(env));
  return outcome.details as unknown as ReplicateDetails;
}

const inspect = (container: string) => host.docker.getContainer(container).inspect();

describe("readiness by Berth's own probe", () => {
  let env: TestEnvironment;
  let details: ReplicateDetails;

  beforeAll(async () => {
    // Docker's first check of `cmd` and `shell` comes only after 30 s.
    env = await environment(`
services:
  cmd:
    image: x
    command: [sh, -c, 'sleep 1; touch /tmp/ready; exec sleep infinity']
    healthcheck: { test: [CMD, test, -f, /tmp/ready], interval: 30s, timeout: 5s, retries: 3 }
  shell:
    image: x
    environment: { READY_FILE: /tmp/shell-ready }
    command: [sh, -c, 'sleep 1; touch /tmp/shell-ready; exec sleep infinity']
    healthcheck:
      test: [CMD-SHELL, 'test -f "$$READY_FILE" && echo shell-expanded']
      interval: 30s
      timeout: 5s
      retries: 3
  dependent:
    image: x
    command: [sleep, infinity]
    depends_on:
      cmd: { condition: service_healthy }
      shell: { condition: service_healthy }
`);
    details = await run(env);
  });

  it('marks CMD and CMD-SHELL services healthy while Docker still says starting', async () => {
    for (const svc of ['cmd', 'shell']) {
      expect(details.services[svc]).toMatchObject({
        action: 'created',
        healthy: true,
        state: 'healthy',
        readyBy: 'probe',
      });
      const info = await inspect(details.services[svc]?.container as string);
      expect(info.State.Health?.Status).toBe('starting');
      expect(info.State.Health?.Log ?? []).toEqual([]);
    }
  });

  it('starts a service_healthy dependent once the probes pass, before Docker has checked', async () => {
    const dependent = await inspect(details.services['dependent']?.container as string);
    expect(dependent.State.Running).toBe(true);
    for (const svc of ['cmd', 'shell']) {
      const dep = await inspect(details.services[svc]?.container as string);
      expect(Date.parse(dependent.State.StartedAt)).toBeGreaterThan(
        Date.parse(dep.State.StartedAt),
      );
      // Still no check of Docker's own, now that the dependent runs.
      expect(dep.State.Health?.Status).toBe('starting');
    }
  });

  it('runs CMD-SHELL through a shell with the container environment', async () => {
    const result = await host.probeHealth(
      details.services['shell']?.container as string,
      ['CMD-SHELL', 'test -f "$READY_FILE" && echo shell-expanded'],
      { timeoutMs: 10_000 },
    );
    expect(result).toMatchObject({ outcome: 'passed', output: 'shell-expanded' });
  });

  it('reuses healthy services on a second run', async () => {
    const again = await run(env);
    expect(Object.values(again.services).map((s) => s.action)).toEqual([
      'reused',
      'reused',
      'reused',
    ]);
  });
});

describe('a container left unhealthy by a failed attempt', () => {
  it('is replaced on the retry, and the new one becomes ready', async () => {
    // The first container never passes; one started after it (the volume remembers) does.
    const env = await environment(`
services:
  flaky:
    image: x
    command:
      - sh
      - -c
      - 'if [ -f /state/once ]; then touch /tmp/ready; else touch /state/once; fi; exec sleep infinity'
    volumes: [state:/state]
    healthcheck: { test: [CMD, test, -f, /tmp/ready], interval: 1s, timeout: 2s, retries: 1 }
volumes:
  state:
`);
    const first = await replicate(3_000)
      .run(stageInput(env))
      .catch((e: unknown) => e as Error);
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).toMatch(/^service flaky did not become healthy: /);
    const name = (await host.listByLabels({ 'berth.env': env.envLabel })).containers[0]
      ?.name as string;
    const before = await inspect(name);
    // What the retry will find: Docker's own verdict, unhealthy.
    let health = before.State.Health?.Status;
    while (health !== 'unhealthy') {
      await new Promise((r) => setTimeout(r, 200));
      health = (await inspect(name)).State.Health?.Status;
    }

    const retry = await run(env);
    expect(retry.services['flaky']).toMatchObject({
      action: 'replaced',
      healthy: true,
      state: 'healthy',
    });
    const after = await inspect(name);
    expect(after.Id).not.toBe(before.Id);
    expect(after.State.Running).toBe(true);

    // Safe to run twice: the ready replacement is left as it is.
    const third = await run(env);
    expect(third.services['flaky']?.action).toBe('reused');
    expect((await inspect(name)).Id).toBe(after.Id);
  });
});

describe('a healthcheck that never passes', () => {
  it('fails naming the service, its last probe output without secrets, and the fix', async () => {
    const env = await environment(`
services:
  stuck:
    image: x
    environment: { UPSTREAM_API_TOKEN: tok-9f8e7d6c5b4a }
    command: [sh, -c, 'echo "booting with $$UPSTREAM_API_TOKEN"; exec sleep infinity']
    healthcheck:
      test: [CMD-SHELL, 'echo "upstream refused $$UPSTREAM_API_TOKEN"; exit 1']
      interval: 500ms
      timeout: 1s
      retries: 1
`);
    const error = await replicate(10_000)
      .run(stageInput(env))
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^service stuck did not become healthy: /);
    expect(message).toMatch(/did not pass its healthcheck within \d+(\.\d)? s/);
    // The last probe, or the last that answered if a loaded host made the very last one time out.
    expect(message).toMatch(/last (probe|answer:) exited 1: upstream refused \*\*\*/);
    expect(message).toContain('booting with ***');
    expect(message).toMatch(/To fix: run the check by hand \(docker exec \S+ sh -c/);
    expect(message).not.toContain('tok-9f8e7d6c5b4a');
  });
});
