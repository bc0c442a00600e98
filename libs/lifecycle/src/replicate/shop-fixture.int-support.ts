// Integration-test support for replicate/teardown: the shop's images (built through the real
// ContainerHost, skipped when the tag exists), its wiring, and an environment + revision row in
// the test database. Stands in for the build and wire stages, which other code owns.

import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ComposeSpec,
  LABEL_ENV,
  buildInputHash,
  createDockerignore,
  environmentIdentity,
  filterContextFiles,
  parseComposeOrThrow,
  renderServiceEnvironments,
  resourceLabels,
} from '@berth/core';
import { type PrismaClient, type Revision, createPrismaClient } from '@berth/db';
import { type ContainerHost, DockerContainerHost } from '@berth/providers';
import pino from 'pino';
import type { RevisionImages, RevisionWiring } from '../pipeline/revision-outputs.js';
import type { EnvironmentWithRepository, StageInput } from '../pipeline/stage-handler.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SHOP_DIR = path.join(ROOT, 'examples/shop');
export const DEBIAN_IMAGE = 'berth-fixture/debian:bookworm';

export function testDatabase(): PrismaClient {
  return createPrismaClient(
    process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test',
  );
}

export async function testHost(): Promise<DockerContainerHost> {
  const host = new DockerContainerHost();
  await host.ping();
  return host;
}

/** `KEY=value` lines of scripts/bootstrap/images.env: the fixture images the shop runs on. */
export async function fixtureVariables(): Promise<Record<string, string>> {
  const file = path.join(ROOT, 'scripts/bootstrap/images.env');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file} is missing: run scripts/bootstrap/images.sh`);
  });
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line))
      .flatMap((m) => (m?.[1] && m[2] !== undefined ? [[m[1], m[2].trim()]] : [])),
  );
}

export async function shopSpec(variables: Record<string, string>): Promise<ComposeSpec> {
  const text = await readFile(path.join(SHOP_DIR, 'docker-compose.yml'), 'utf8');
  return parseComposeOrThrow(text, { variables });
}

/**
 * Builds every `build:` service of `spec` (context under examples/shop) with ensureImage, tagged
 * by the hash of its inputs so a second run builds nothing; `image:` services run as given.
 */
export async function shopImages(host: ContainerHost, spec: ComposeSpec): Promise<RevisionImages> {
  const images: RevisionImages = {};
  await Promise.all(
    Object.values(spec.services).map(async (service) => {
      if (!service.build) {
        images[service.name] = { tag: service.image as string, source: 'image', durationMs: 0 };
        return;
      }
      const contextDir = path.join(SHOP_DIR, service.build.context);
      const ignore = createDockerignore(
        await readFile(path.join(contextDir, '.dockerignore'), 'utf8').catch(() => ''),
      );
      const files = filterContextFiles(await listFiles(contextDir), ignore);
      const hash = buildInputHash({
        files,
        dockerfile: await readFile(path.join(contextDir, service.build.dockerfile), 'utf8'),
        args: service.build.args,
      });
      const tag = `berth-it/shop-${service.name}:${hash.slice(0, 16)}`;
      const started = Date.now();
      const ensured = await host.ensureImage({
        contextDir,
        dockerfile: service.build.dockerfile,
        buildArgs: service.build.args,
        tag,
        labels: { 'berth.test': 'lifecycle' },
      });
      images[service.name] = {
        tag,
        source: ensured.built ? 'built' : 'cached',
        durationMs: ensured.built ? Date.now() - started : 0,
        inputHash: hash,
      };
    }),
  );
  return images;
}

async function listFiles(dir: string, prefix = ''): Promise<{ path: string; hash: string }[]> {
  const out: { path: string; hash: string }[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...(await listFiles(dir, rel)));
    } else if (entry.isFile()) {
      const hash = createHash('sha256')
        .update(await readFile(path.join(dir, rel)))
        .digest('hex');
      out.push({ path: rel, hash });
    }
  }
  return out;
}

/** What the wire stage would write: per-service environments, no exposed URLs. */
export function wiringFor(
  spec: ComposeSpec,
  envKey: string,
  pr: number,
  ports: Record<string, number> = {},
): RevisionWiring {
  return {
    spec,
    environment: renderServiceEnvironments(spec, { envKey, pr, urls: {}, secrets: {} }),
    urls: {},
    hostnames: {},
    ports,
    public: false,
  };
}

export interface TestEnvironment {
  environment: EnvironmentWithRepository;
  revision: Revision;
  /** Value of the `berth.env` label on everything this environment owns. */
  envLabel: string;
}

/** A repository (unique per call) + environment + revision row carrying `images`/`wiring`. */
export async function createTestEnvironment(
  prisma: PrismaClient,
  pr: number,
  images: RevisionImages,
  wiring: RevisionWiring,
): Promise<TestEnvironment> {
  const name = `shop-${randomBytes(4).toString('hex')}`;
  const repository = await prisma.repository.create({
    data: {
      // 2^47 values: 45 rows made in one millisecond (a spec's burst) never collide.
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `berth-it/${name}`,
      owner: 'berth-it',
      name,
      installationId: 1n,
      cloneUrl: `https://github.invalid/berth-it/${name}.git`,
    },
  });
  const env = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: pr,
      headSha: 'a'.repeat(40),
      branch: 'feature',
      baseBranch: 'main',
    },
  });
  const revision = await prisma.revision.create({
    data: {
      environmentId: env.id,
      generation: 1,
      headSha: env.headSha,
      configSnapshot: {},
      images: images as object,
      wiring: wiring as unknown as object,
    },
  });
  const id = environmentIdentity(repository.fullName, pr);
  return {
    environment: { ...env, repository },
    revision,
    envLabel: resourceLabels(id)[LABEL_ENV] as string,
  };
}

/** Replaces the revision's outputs (a new push, as far as replicate can tell). */
export async function updateRevision(
  prisma: PrismaClient,
  revision: Revision,
  data: { images?: RevisionImages; wiring?: RevisionWiring },
): Promise<Revision> {
  return prisma.revision.update({
    where: { id: revision.id },
    data: {
      ...(data.images ? { images: data.images as object } : {}),
      ...(data.wiring ? { wiring: data.wiring as unknown as object } : {}),
    },
  });
}

const silent = pino({ level: 'silent' });

export function stageInput(
  env: TestEnvironment,
  revision: Revision = env.revision,
  assertCurrent: () => Promise<void> = async () => undefined,
): StageInput {
  return {
    job: { environmentId: env.environment.id, generation: revision.generation, stage: 'replicate' },
    attempt: 1,
    environment: env.environment,
    revision,
    logger: silent,
    assertCurrent,
  };
}

/** Removes everything carrying an environment's label (afterAll). */
export async function removeByEnvLabel(host: ContainerHost, envLabel: string): Promise<void> {
  const found = await host.listByLabels({ [LABEL_ENV]: envLabel });
  await Promise.all(found.containers.map((c) => host.removeContainer(c.name)));
  for (const v of found.volumes) await host.removeVolume(v.name);
  for (const n of found.networks) await host.removeNetwork(n.name);
}

/** Runs a command in a container (no TTY); resolves with its exit code and combined output. */
export async function execIn(
  host: DockerContainerHost,
  container: string,
  cmd: string[],
  env: string[] = [],
): Promise<{ exitCode: number; output: string }> {
  const exec = await host.docker.getContainer(container).exec({
    Cmd: cmd,
    Env: env,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = {
    write: (chunk: Buffer) => chunks.push(Buffer.from(chunk)),
  } as unknown as NodeJS.WritableStream;
  host.docker.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
}
