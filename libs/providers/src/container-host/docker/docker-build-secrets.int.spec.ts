// Real engine: build secrets through a BuildKit session (decision 0037). The value reaches the
// RUN step as a file, and no layer, history entry or log line of the image holds it.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { BuildTimeoutError, ImageBuildError } from '../container-host.errors.js';
import { DockerContainerHost } from './docker-container-host.js';
import { BASE_IMAGE, testEnv, type TestEnv } from './int-spec-support.js';

let env: TestEnv;
let workdir: string;

beforeAll(async () => {
  env = await testEnv();
  workdir = await mkdtemp(path.join(tmpdir(), 'berth-build-secrets-'));
});

afterAll(async () => {
  await env?.cleanup();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

async function context(name: string, dockerfile: string[]): Promise<string> {
  const dir = path.join(workdir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'Dockerfile'), dockerfile.join('\n'));
  return dir;
}

/** `docker save`: every layer, the config and the history, as one uncompressed tar. */
async function savedImage(tag: string): Promise<Buffer> {
  const stream = await env.host.docker.getImage(tag).get();
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('build secrets', () => {
  it('mounts the secret for the RUN step only: the image has its hash, never its value', async () => {
    // Unique per run: an earlier run's layer cannot satisfy the build.
    const value = `berth-build-secret-${randomBytes(12).toString('hex')}`;
    const digest = createHash('sha256').update(value).digest('hex');
    // The step checks the mounted file against the value's digest, so the Dockerfile (kept in
    // the image's history) never holds the value itself: any copy in the image is a leak.
    const dir = await context('secret-ok', [
      `FROM ${BASE_IMAGE}`,
      `RUN --mount=type=secret,id=api_key sh -c 'test "$(sha256sum < /run/secrets/api_key)" = "${digest}  -" && sha256sum /run/secrets/api_key > /hash'`,
    ]);
    const tag = `berth-it/${env.id}-secret-ok:v1`;
    const lines: string[] = [];
    const built = await env.host.buildImage({
      contextDir: dir,
      tag,
      labels: env.labels,
      secrets: { api_key: value },
      onLog: (l) => lines.push(l),
    });
    expect(built.id).toMatch(/^sha256:/);
    expect(await env.host.imageExists(tag)).toBe(true);
    // BuildKit applies the labels too: GC and the ledger find the image like any other.
    expect((await env.host.docker.getImage(tag).inspect()).Config.Labels).toMatchObject(env.labels);

    const saved = await savedImage(tag);
    expect(saved.includes(`${digest}  /run/secrets/api_key`)).toBe(true);
    expect(saved.includes(value)).toBe(false);
    // BuildKit's progress reached the log as plain lines, without the value.
    expect(lines.some((l) => /\[2\/2\] RUN --mount=type=secret,id=api_key/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes(value))).toBe(false);
  });

  it('a secret id the build was not given fails with the engine’s clear message', async () => {
    const dir = await context('secret-missing', [
      `FROM ${BASE_IMAGE}`,
      'RUN --mount=type=secret,id=nope,required=true cat /run/secrets/nope',
    ]);
    const err = await env.host
      .buildImage({
        contextDir: dir,
        tag: `berth-it/${env.id}-secret-missing:v1`,
        labels: env.labels,
        secrets: { api_key: 'unused' },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageBuildError);
    expect((err as ImageBuildError).message).toMatch(/secret nope not found/);
    expect((err as ImageBuildError).message).toMatch(/\[2\/2\] RUN --mount=type=secret,id=nope/);
  });

  it('a failing step under BuildKit names the step and keeps its output', async () => {
    const dir = await context('secret-fail', [
      `FROM ${BASE_IMAGE}`,
      `RUN --mount=type=secret,id=api_key sh -c 'echo visible-output; exit 3'`,
    ]);
    const err = await env.host
      .buildImage({
        contextDir: dir,
        tag: `berth-it/${env.id}-secret-fail:v1`,
        labels: env.labels,
        secrets: { api_key: 'x' },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageBuildError);
    const error = err as ImageBuildError;
    expect(error.message).toMatch(/exit code: 3/);
    expect(error.lastLines.some((l) => l.endsWith('visible-output'))).toBe(true);
  });

  it('the build timeout stops a BuildKit build too, and its step process ends', async () => {
    const host = new DockerContainerHost({ buildLimits: { timeoutMs: 4_000 } });
    const marker = `berth-bk-never-ends-${env.id}`;
    const dir = await context('secret-forever', [
      `FROM ${BASE_IMAGE}`,
      `RUN --mount=type=secret,id=api_key sh -c 'sleep 600; echo ${marker}'`,
    ]);
    const started = Date.now();
    const err = await host
      .buildImage({
        contextDir: dir,
        tag: `berth-it/${env.id}-secret-forever:v1`,
        labels: env.labels,
        secrets: { api_key: 'x' },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildTimeoutError);
    expect((err as BuildTimeoutError).step).toContain('RUN --mount=type=secret,id=api_key');
    expect(Date.now() - started).toBeLessThan(30_000);
    // BuildKit runs the step with runc, not as a container: look for its process (this engine is
    // local to the tests).
    let left: string[] = [];
    for (let i = 0; i < 20; i++) {
      left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(marker) && !line.startsWith('ps '));
      if (!left.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(left).toEqual([]);
  });
});
