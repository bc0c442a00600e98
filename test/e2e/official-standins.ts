// Official images the compose corpus names but no registry here can serve, as local stand-ins
// under their official names (see test/fixtures/official-standins/Dockerfile for what each one
// keeps of the real image's interface). Built from the Node fixture, so every stand-in shares
// its layers and adds a few KB; each carries a hash of its inputs, so a warm engine builds
// nothing and only moves tags. krallin/ubuntu-tini holds the real tini (the engine's own
// docker-init). The Postgres and Redis fixtures are real servers: they are tagged under the other
// versions and variants the corpus names. `node:24` and `redis:7` come from the registry mirror
// the bootstrap fills, as they would on a fresh engine.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Server images: the stand-in's docker-entrypoint.sh runs ROLE by default. */
const SERVERS: Record<string, string[]> = {
  nginx: ['nginx:1.27', 'nginx:1.27-alpine'],
  mysqld: ['mysql:8.0', 'mariadb:10.6.4-focal'],
  mongod: ['mongo:7', 'mongo:4.2.0'],
  'rabbitmq-server': ['rabbitmq:3-management'],
  'zookeeper-server-start': ['confluentinc/cp-zookeeper:7.6.0'],
  'kafka-server-start': ['confluentinc/cp-kafka:7.6.0'],
  wordpress: ['wordpress:latest'],
};
/** Language images: their tools on PATH, a pass-through entrypoint. */
const LANGUAGES = [
  'python:3.12-slim',
  'ruby:3.3-slim',
  'eclipse-temurin:17-jdk-jammy',
  'golang:1.23',
];
/** Real fixtures under the names the corpus uses for the same servers. */
const FIXTURES: Record<string, string[]> = {
  'berth-fixture/postgres:15': ['postgres:16', 'postgres:16-alpine'],
  'berth-fixture/redis:7': ['redis:7-alpine', 'redislabs/redismod:latest'],
};

/** On every stand-in: a hash of what it is built from, so a warm engine builds nothing. */
const INPUTS_LABEL = 'berth.standin.inputs';
const TINI = 'krallin/ubuntu-tini:bionic';

const docker = (...args: string[]) =>
  run('docker', args, { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 16 << 20 });

async function build(context: string, tag: string, ...args: string[]): Promise<void> {
  try {
    await docker('build', '--pull=false', '--force-rm', '-q', '-t', tag, ...args, context);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`docker build of ${tag} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

async function tag(source: string, targets: string[]): Promise<void> {
  await Promise.all(targets.map((target) => docker('tag', source, target)));
}

/** The stand-ins' inputs: their build context, tini, and the fixture images they start from. */
async function inputsHash(context: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(context)).sort()) {
    hash.update(`${name}\0`).update(await readFile(join(context, name)));
  }
  hash.update(await readFile(await realpath('/usr/bin/docker-init')));
  const { stdout } = await docker(
    'image',
    'inspect',
    '--format',
    '{{.Id}}',
    'berth-fixture/node:24',
    'berth-fixture/debian:bookworm',
  );
  return hash.update(stdout).digest('hex');
}

/** Whether every name is already a stand-in built from these inputs. */
async function current(names: string[], inputs: string): Promise<boolean> {
  try {
    const format = `{{index .Config.Labels "${INPUTS_LABEL}"}}`;
    const { stdout } = await docker('image', 'inspect', '--format', format, ...names);
    return stdout
      .trim()
      .split('\n')
      .every((line) => line === inputs);
  } catch {
    return false; // one is missing
  }
}

/**
 * krallin/ubuntu-tini (Dockerfiles copy /usr/bin/tini out of it): Debian with the real tini, the
 * static build every local engine ships as docker-init (what `docker run --init` runs).
 */
async function buildTini(label: string): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), 'berth-standin-tini-'));
  try {
    await copyFile(await realpath('/usr/bin/docker-init'), join(context, 'tini'));
    await writeFile(
      join(context, 'Dockerfile'),
      'FROM berth-fixture/debian:bookworm\nCOPY tini /usr/bin/tini\nENTRYPOINT ["/usr/bin/tini", "--"]\n',
    );
    await build(context, TINI, '--label', label);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** Builds the stand-ins unless they are current, and tags them; returns every official name. */
export async function prepareOfficialStandins(root: string): Promise<string[]> {
  const context = join(root, 'test/fixtures/official-standins');
  const standins = [TINI, ...LANGUAGES, ...Object.values(SERVERS).flat()];
  const inputs = await inputsHash(context);
  const label = `${INPUTS_LABEL}=${inputs}`;
  if (!(await current(standins, inputs))) {
    await build(context, 'berth-standin/lang:latest', '--target', 'lang', '--label', label);
    await Promise.all([
      tag('berth-standin/lang:latest', LANGUAGES),
      buildTini(label),
      ...Object.entries(SERVERS).map(async ([role, names]) => {
        const image = `berth-standin/${role}:latest`;
        const args = ['--target', 'server', '--build-arg', `ROLE=${role}`, '--label', label];
        await build(context, image, ...args);
        await tag(image, names);
      }),
    ]);
  }
  await Promise.all(Object.entries(FIXTURES).map(([fixture, names]) => tag(fixture, names)));
  return [...standins, ...Object.values(FIXTURES).flat()];
}
