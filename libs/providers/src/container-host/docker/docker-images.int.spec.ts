// Real engine: ping errors, build → ensure skips, .dockerignore, build failures naming the step.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerHostUnreachableError, ImageBuildError } from '../container-host.errors.js';
import { DockerContainerHost } from './docker-container-host.js';
import { BASE_IMAGE, testEnv, type TestEnv } from './int-spec-support.js';

let env: TestEnv;
let workdir: string;

beforeAll(async () => {
  env = await testEnv();
  workdir = await mkdtemp(path.join(tmpdir(), 'berth-build-'));
});

afterAll(async () => {
  await env?.cleanup();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

async function context(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(workdir, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

describe('ping', () => {
  it('answers on the local engine', async () => {
    await expect(env.host.ping()).resolves.toBeUndefined();
  });

  it('names the endpoint and the fix when nothing listens', async () => {
    const dead = new DockerContainerHost({ dockerHost: 'tcp://127.0.0.1:1' });
    const err = await dead.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerHostUnreachableError);
    const message = (err as Error).message;
    expect(message).toContain('tcp://127.0.0.1:1');
    expect(message).toContain('ECONNREFUSED');
    expect(message).toMatch(/start dockerd/i);
    expect(message).toContain('DOCKER_HOST');
    // Any other call fails the same clear way, not with a bare socket error.
    await expect(dead.imageExists(BASE_IMAGE)).rejects.toBeInstanceOf(
      ContainerHostUnreachableError,
    );
  });
});

describe('images', () => {
  it('builds once, honours .dockerignore, and a second ensure skips', async () => {
    const dir = await context('app', {
      Dockerfile: [
        `FROM ${BASE_IMAGE}`,
        'ARG GREETING',
        'COPY . /ctx',
        // Fails the build if .dockerignore was not applied or the build arg did not arrive.
        'RUN test ! -e /ctx/secret.txt && test ! -e /ctx/cache/big.bin && test -e /ctx/keep.txt',
        'RUN test "$GREETING" = hello && echo "greeting=$GREETING" > /greeting',
      ].join('\n'),
      '.dockerignore': 'secret.txt\ncache\n',
      'keep.txt': 'keep',
      'secret.txt': 'must not reach the daemon',
      'cache/big.bin': 'x'.repeat(1000),
    });
    const tag = `berth-it/${env.id}-app:v1`;
    const lines: string[] = [];
    const spec = {
      contextDir: dir,
      tag,
      labels: env.labels,
      buildArgs: { GREETING: 'hello' },
      onLog: (l: string) => lines.push(l),
    };

    expect(await env.host.imageExists(tag)).toBe(false);
    const first = await env.host.ensureImage(spec);
    expect(first).toMatchObject({ tag, built: true });
    expect(first.id).toMatch(/^sha256:/);
    expect(lines.some((l) => /^Step 1\/\d+ : FROM/.test(l))).toBe(true);
    expect(await env.host.imageExists(tag)).toBe(true);

    const inspect = await env.host.docker.getImage(tag).inspect();
    expect(inspect.Config.Labels).toMatchObject({ 'berth.managed': 'true', 'berth.env': env.id });
    // The reconciler's image inventory: by label, with the tag, size and build time.
    const listed = await env.host.listImagesByLabels({
      'berth.env': env.id,
      'berth.managed': 'true',
    });
    expect(listed).toEqual([
      {
        id: first.id,
        tags: [tag],
        labels: expect.objectContaining({ 'berth.env': env.id }),
        sizeBytes: expect.any(Number),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(Date.now() - Date.parse(listed[0]!.createdAt!)).toBeLessThan(10 * 60_000);
    expect(await env.host.listImagesByLabels({ 'berth.env': `${env.id}-other` })).toEqual([]);

    lines.length = 0;
    const second = await env.host.ensureImage(spec);
    expect(second).toEqual({ tag, id: first.id, built: false });
    expect(lines).toEqual([]);

    await env.host.removeImage(tag);
    await env.host.removeImage(tag); // idempotent
    expect(await env.host.imageExists(tag)).toBe(false);
  });

  it('accepts a Dockerfile outside the context without copying it into the image', async () => {
    const dir = await context('outside/ctx', { 'file.txt': 'x' });
    await context('outside', {
      'build.Dockerfile': `FROM ${BASE_IMAGE}\nCOPY . /ctx\nRUN test -e /ctx/file.txt && ! ls -A /ctx | grep -i dockerfile && test ! -e /ctx/.dockerignore\n`,
    });
    const tag = `berth-it/${env.id}-outside:v1`;
    const built = await env.host.buildImage({
      contextDir: dir,
      dockerfile: '../build.Dockerfile',
      tag,
      labels: env.labels,
    });
    expect(built.id).toMatch(/^sha256:/);
  });

  it('surfaces the failing step and the engine message', async () => {
    const dir = await context('broken', {
      Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo fine\nRUN echo about-to-fail && exit 3\nRUN echo never\n`,
    });
    const lines: string[] = [];
    const err = await env.host
      .buildImage({
        contextDir: dir,
        tag: `berth-it/${env.id}-broken:v1`,
        labels: env.labels,
        onLog: (l) => lines.push(l),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageBuildError);
    const buildErr = err as ImageBuildError;
    // The total counts the LABEL steps the engine appends for `labels`, so only N is fixed.
    expect(buildErr.step).toMatch(/^Step 3\/\d+ : RUN echo about-to-fail && exit 3$/);
    expect(buildErr.detail).toMatch(/returned a non-zero code: 3/);
    expect(buildErr.message).toContain('RUN echo about-to-fail && exit 3');
    expect(buildErr.lastLines).toContain('about-to-fail');
    expect(lines).toContain('about-to-fail');
    expect(await env.host.imageExists(`berth-it/${env.id}-broken:v1`)).toBe(false);
  });

  it('reports a Dockerfile the engine rejects before any step', async () => {
    const dir = await context('unparseable', {
      Dockerfile: `FROM ${BASE_IMAGE}\nNOPE something\n`,
    });
    const err = await env.host
      .buildImage({ contextDir: dir, tag: `berth-it/${env.id}-bad:v1`, labels: env.labels })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageBuildError);
    expect((err as Error).message).toMatch(/unknown instruction: NOPE/i);
  });
});
