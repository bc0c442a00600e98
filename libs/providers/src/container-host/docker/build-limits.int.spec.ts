// Real engine: builds run confined. A step that never ends is stopped at the timeout and frees
// its slot; a fork storm meets the pids limit; a memory hog is killed with a message saying so;
// `none` leaves build steps without a network.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildTimeoutError, ImageBuildError } from '../container-host.errors.js';
import { DockerContainerHost } from './docker-container-host.js';
import { BASE_IMAGE, testEnv, type TestEnv } from './int-spec-support.js';

let env: TestEnv;
let workdir: string;

beforeAll(async () => {
  env = await testEnv();
  workdir = await mkdtemp(path.join(tmpdir(), 'berth-build-limits-'));
});

afterAll(async () => {
  await env?.cleanup();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

async function context(name: string, dockerfile: string): Promise<string> {
  const dir = path.join(workdir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

async function buildFailure(work: Promise<unknown>): Promise<ImageBuildError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageBuildError);
  return error as ImageBuildError;
}

describe('build limits', () => {
  it('stops a build that never ends at the timeout and frees its slot', async () => {
    // One slot: the second build can only start once the first has really let go.
    const host = new DockerContainerHost({
      maxConcurrentBuilds: 1,
      buildLimits: { timeoutMs: 4_000 },
    });
    const marker = `berth-never-ends-${env.id}`;
    const started = Date.now();
    const error = await buildFailure(
      host.buildImage({
        contextDir: await context(
          'forever',
          `FROM ${BASE_IMAGE}\nRUN sleep infinity # ${marker}\n`,
        ),
        tag: `berth-it/${env.id}-forever:v1`,
        labels: env.labels,
      }),
    );
    expect(error).toBeInstanceOf(BuildTimeoutError);
    expect(error.message).toContain('did not finish within 4 s and was stopped');
    expect(error.message).toContain('BUILD_TIMEOUT_S');
    expect(error.step).toContain('RUN sleep infinity');
    expect(Date.now() - started).toBeLessThan(30_000);

    // The slot is free: the next build starts at once (it may itself hit the short timeout on
    // a loaded machine; starting is what counts here).
    const lines: string[] = [];
    await host
      .buildImage({
        contextDir: await context('after', `FROM ${BASE_IMAGE}\nRUN true\n`),
        tag: `berth-it/${env.id}-after:v1`,
        labels: env.labels,
        onLog: (l) => lines.push(l),
      })
      .catch(() => undefined);
    expect(lines.some((l) => /^Step 1\/\d+ : FROM/.test(l))).toBe(true);

    // The engine killed and removed the step's container when the connection closed.
    let left: string[] = [];
    for (let i = 0; i < 20; i++) {
      const all = await env.host.docker.listContainers({ all: true });
      left = all.filter((c) => c.Command.includes(marker)).map((c) => `${c.Id} ${c.State}`);
      if (!left.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(left).toEqual([]);
  });

  it('limits the processes a build may start (BUILD_PIDS)', async () => {
    const host = new DockerContainerHost({ buildLimits: { pids: 40 } });
    expect(await host.buildConfinement()).toMatchObject({ pids: 40, pidsLimited: true });
    const error = await buildFailure(
      host.buildImage({
        contextDir: await context(
          'forks',
          `FROM ${BASE_IMAGE}\nRUN for i in $(seq 1 200); do sleep 30 & done; wait\n`,
        ),
        tag: `berth-it/${env.id}-forks:v1`,
        labels: env.labels,
      }),
    );
    expect(error.message).toMatch(/builds may run at most 40 processes, the operator's BUILD_PIDS/);
    expect(error.lastLines.join('\n')).toMatch(/fork/i);
  });

  it('kills a build step past its memory limit and says so (BUILD_MEMORY_MB)', async () => {
    const host = new DockerContainerHost({ buildLimits: { memoryBytes: 64 * 1024 * 1024 } });
    // tail keeps a newline-free stream in memory: 400 MB against a 64 MB limit.
    const error = await buildFailure(
      host.buildImage({
        contextDir: await context(
          'hog',
          `FROM ${BASE_IMAGE}\nRUN head -c 400000000 /dev/zero | tail > /dev/null\n`,
        ),
        tag: `berth-it/${env.id}-hog:v1`,
        labels: env.labels,
      }),
    );
    expect(error.message).toMatch(/non-zero code: 137/);
    expect(error.message).toMatch(
      /ran out of memory; builds are limited to 64 MB by the operator's BUILD_MEMORY_MB/,
    );
  });

  it('gives every build step the CPU quota and memory limit (BUILD_CPUS, BUILD_MEMORY_MB)', async () => {
    const host = new DockerContainerHost({
      buildLimits: { cpus: 0.5, memoryBytes: 256 * 1024 * 1024 },
    });
    const lines: string[] = [];
    // The step reads its own cgroup (v1 paths, else v2) and prints what the kernel enforces.
    await host.buildImage({
      contextDir: await context(
        'quota',
        `FROM ${BASE_IMAGE}\nRUN echo "cpu=$(cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)" && ` +
          `echo "mem=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"\n`,
      ),
      tag: `berth-it/${env.id}-quota:v1`,
      labels: env.labels,
      onLog: (l) => lines.push(l),
    });
    expect(lines).toContainEqual(expect.stringMatching(/^cpu=50000( 100000)?$/));
    expect(lines).toContain(`mem=${256 * 1024 * 1024}`);
  });

  it('gives build steps no network with BUILD_NETWORK=none, a bridge by default', async () => {
    const none = new DockerContainerHost({ buildLimits: { network: 'none' } });
    await expect(
      none.buildImage({
        contextDir: await context(
          'offline',
          `FROM ${BASE_IMAGE}\nRUN test "$(ls /sys/class/net)" = lo\n`,
        ),
        tag: `berth-it/${env.id}-offline:v1`,
        labels: env.labels,
      }),
    ).resolves.toMatchObject({ tag: `berth-it/${env.id}-offline:v1` });
    const bridged = new DockerContainerHost({ buildLimits: {} });
    await expect(
      bridged.buildImage({
        contextDir: await context(
          'online',
          `FROM ${BASE_IMAGE}\nRUN test -e /sys/class/net/eth0\n`,
        ),
        tag: `berth-it/${env.id}-online:v1`,
        labels: env.labels,
      }),
    ).resolves.toMatchObject({ tag: `berth-it/${env.id}-online:v1` });
  });
});
