// Suite `lifecycle` (the default of npm run bench): webhook sent → ready (or destroyed) as the PR comment reports it, for a cold
// provision (the PR opens with `preview:rebuild`, so every service builds without layer cache),
// a no-op push, a push that changes only `api`, and the teardown; with each stage's duration.
// Prints one JSON object on stdout.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ControlPlane, type EnvironmentView, waitFor } from '@berth/testing';
import Docker from 'dockerode';

// Compiled to dist/test/bench/: the repository root is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const docker = new Docker();
const name = `bench${randomBytes(3).toString('hex')}`;
const repository = `acme/${name}`;

/** Cold means cold: no image the product built before, so no layer cache either. */
async function removeProductImages(): Promise<number> {
  const images = await docker.listImages({ all: true });
  const product = images.filter(
    (i) =>
      i.Labels?.['berth.repo'] !== undefined ||
      (i.RepoTags ?? []).some((t) => t.startsWith('berth-smoke/') || /^shopsmoke/.test(t)),
  );
  for (const image of product) {
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  return product.length;
}

function commentState(plane: ControlPlane): string {
  return plane.github.comments(repository, PR_NUMBER)[0]?.body ?? '';
}

/** The bench's PR: the first one in a fresh repository. */
const PR_NUMBER = 1;

async function measure(
  plane: ControlPlane,
  action: () => Promise<unknown>,
  until: { state: 'ready' | 'destroyed'; comment: RegExp },
): Promise<{ seconds: number; env: EnvironmentView }> {
  const before = (await plane.environment(repository, PR_NUMBER))?.generation ?? 0;
  const started = performance.now();
  await action();
  const env = await plane.waitForState(repository, PR_NUMBER, until.state, {
    generation: before + 1,
    timeoutMs: 900_000,
  });
  await waitFor(
    'the PR comment',
    async () => (until.comment.test(commentState(plane)) ? true : undefined),
    60_000,
    50,
  );
  return { seconds: round((performance.now() - started) / 1000), env };
}

function stages(env: EnvironmentView): Record<string, number | null> {
  return Object.fromEntries(
    (env.stages ?? [])
      .filter((s) => s.status === 'succeeded')
      .map((s) => [s.stage, s.durationMs === null ? null : round(s.durationMs / 1000)]),
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

const removed = await removeProductImages();
const plane = await ControlPlane.start({
  root,
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth',
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  composeVariablesFile: `${root}scripts/bootstrap/images.env`,
  logLevel: 'warn',
});
try {
  const [owner, repo] = repository.split('/') as [string, string];
  await plane.github.createRepository({ owner, name: repo, fromDirectory: `${root}examples/shop` });
  const cold = await measure(
    plane,
    () =>
      plane.github.openPullRequest({
        repo: repository,
        branch: 'bench/one',
        title: 'Bench',
        labels: ['preview:rebuild'],
        changes: { 'web/BENCH.md': 'bench\n' },
      }),
    { state: 'ready', comment: /ready/i },
  );
  const pr = plane.github.pullRequest(repository, PR_NUMBER);
  // Switching rebuild off is not a config change that needs a new generation.
  await plane.github.removeLabel(pr, 'preview:rebuild');
  await new Promise((r) => setTimeout(r, 1_000));
  const noop = await measure(
    plane,
    () => plane.github.pushToPullRequest(pr, { 'README.md': `no service changes ${Date.now()}\n` }),
    { state: 'ready', comment: /ready/i },
  );
  const oneService = await measure(
    plane,
    () =>
      plane.github.pushToPullRequest(pr, {
        'api/src/bench-marker.mjs': `export const MARK = ${Date.now()};\n`,
      }),
    { state: 'ready', comment: /ready/i },
  );
  const teardown = await measure(plane, () => plane.github.closePullRequest(pr, { merged: true }), {
    state: 'destroyed',
    comment: /destroyed/i,
  });
  const result = {
    cold_provision_s: cold.seconds,
    noop_reprovision_s: noop.seconds,
    one_service_reprovision_s: oneService.seconds,
    teardown_s: teardown.seconds,
    stages_s: {
      cold_provision: stages(cold.env),
      noop_reprovision: stages(noop.env),
      one_service_reprovision: stages(oneService.env),
      teardown: stages(teardown.env),
    },
    rebuilt: {
      noop_reprovision: (noop.env.services ?? [])
        .filter((s) => s.source === 'built')
        .map((s) => s.name),
      one_service_reprovision: (oneService.env.services ?? [])
        .filter((s) => s.source === 'built')
        .map((s) => s.name),
    },
    machine: { cores: (await import('node:os')).cpus().length, node: process.version },
    removed_images_before_cold: removed,
  };
  console.log(JSON.stringify(result, null, 2));
  await plane.stop();
} catch (error) {
  console.error(`berth: bench failed: ${(error as Error).message}`);
  console.error(plane.logs());
  await plane.stop();
  process.exit(1);
}
