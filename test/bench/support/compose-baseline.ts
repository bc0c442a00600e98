// The plain docker-compose baseline for the lifecycle bench: the same shop, the same work (a cold
// build without layer cache, a push that changes no service, a push that changes only `api`),
// driven by the Compose CLI a user runs. docker-compose v1.29 has no `--wait`, so each step
// ends when every container of the project is ready as Compose's own conditions define it:
// healthy by Docker's healthcheck where there is one, exited 0 for a one-shot, running otherwise.
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { ComposeProject, readEnvFile } from '../../smoke/compose-project.js';
import { distinctFreePorts } from '../../smoke/ports.js';

const IMAGE_VARS = ['SHOP_NODE_IMAGE', 'SHOP_POSTGRES_IMAGE', 'SHOP_REDIS_IMAGE'] as const;
/** Under this name the lifecycle bench's image clean-up removes what the baseline built. */
const CACHE_REPOSITORY = 'berth-smoke/bench';
const POLL_MS = 100;
const READY_TIMEOUT_MS = 300_000;

export interface ComposeBaseline {
  compose_cold_s: number;
  compose_noop_s: number;
  compose_one_service_s: number;
}

export async function composeBaseline(
  docker: Docker,
  root: string,
  log: (line: string) => void,
): Promise<ComposeBaseline> {
  // A private copy: the one-service step edits api/ and must not touch examples/shop.
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-bench-compose-'));
  await cp(path.join(root, 'examples/shop'), dir, {
    recursive: true,
    filter: (src) => !src.split(path.sep).includes('node_modules'),
  });
  const images = readEnvFile(path.join(root, 'scripts/bootstrap/images.env'), IMAGE_VARS);
  const [webPort, apiPort] = (await distinctFreePorts(2)) as [number, number];
  const project = new ComposeProject(
    `shopbench${randomBytes(3).toString('hex')}`,
    path.join(dir, 'docker-compose.yml'),
    {
      ...process.env,
      ...Object.fromEntries(IMAGE_VARS.map((key) => [key, images[key]])),
      // As the smoke test: the classic builder (no buildx here), so both builders do the same work.
      DOCKER_BUILDKIT: '0',
      COMPOSE_DOCKER_CLI_BUILD: '0',
      WEB_PORT: String(webPort),
      API_PORT: String(apiPort),
      WEB_PUBLIC_URL: `http://127.0.0.1:${webPort}`,
      API_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      SHOP_DB_PASSWORD: randomBytes(12).toString('hex'),
    },
  );
  try {
    // Cold, as Berth's cold provision runs with preview:rebuild: every service built without cache.
    const cold = await timed(async () => {
      await project.compose(['build', '--no-cache'], 900_000);
      await project.compose(['up', '-d'], 300_000);
      await untilReady(docker, project);
    });
    log(`compose baseline: cold ${cold} s`);
    await writeFile(path.join(dir, 'README.md'), `no service changes ${Date.now()}\n`);
    const noop = await timed(() => upAndWait(docker, project));
    log(`compose baseline: no-op ${noop} s`);
    await writeFile(
      path.join(dir, 'api/src/bench-marker.mjs'),
      `export const MARK = ${Date.now()};\n`,
    );
    const oneService = await timed(() => upAndWait(docker, project));
    log(`compose baseline: one service ${oneService} s`);
    return { compose_cold_s: cold, compose_noop_s: noop, compose_one_service_s: oneService };
  } catch (error) {
    throw new Error(
      `compose baseline failed: ${(error as Error).message}\n--- docker-compose logs ---\n${await project.logs()}`,
    );
  } finally {
    await project.down(CACHE_REPOSITORY).catch((e: unknown) => log(`compose down: ${String(e)}`));
    await rm(dir, { recursive: true, force: true });
  }
}

async function upAndWait(docker: Docker, project: ComposeProject): Promise<void> {
  await project.compose(['up', '-d', '--build'], 600_000);
  await untilReady(docker, project);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round((performance.now() - started) / 10) / 100;
}

/** Every container of the project ready, by Compose's conditions; a one-shot that failed throws. */
async function untilReady(docker: Docker, project: ComposeProject): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let waiting: string[] = [];
  while (Date.now() < deadline) {
    const listed = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project.name}`] },
    });
    const states = await Promise.all(listed.map((c) => docker.getContainer(c.Id).inspect()));
    waiting = [];
    for (const info of states) {
      const service = info.Config.Labels?.['com.docker.compose.service'] ?? info.Name;
      const s = info.State;
      if (s.Status === 'exited' && s.ExitCode !== 0) {
        throw new Error(`${service} exited with code ${s.ExitCode}`);
      }
      const ready = s.Health
        ? s.Health.Status === 'healthy'
        : s.Status === 'exited' || (s.Running && s.Status === 'running');
      if (!ready) waiting.push(`${service} (${s.Health?.Status ?? s.Status})`);
    }
    if (states.length > 0 && waiting.length === 0) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`not ready after ${READY_TIMEOUT_MS} ms: ${waiting.join(', ')}`);
}
