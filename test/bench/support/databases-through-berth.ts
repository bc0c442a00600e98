// The `databases` suite's second half: the same work through the whole control plane on the
// shop (GitHub emulator → webhooks → worker stages), read back from the stage details Berth
// records. base_refresh_s: a push to the default branch until the base environment is ready
// again with a new base state; db_fresh_s: an empty database's path for a db:fresh PR (database
// ready + migrations + seed); db_branch_berth_s: a db:branch PR's path (copy + database ready +
// migrations on top); push_in_place_s / push_beside_s: a push to that PR changing only the api
// (replaced in place) and one adding a migration (started beside the serving revision in the
// other slot, decision 0040), each until ready, with the api probed through the gateway all
// along (beside_failed_requests: answers other than 200) and how long the serving containers
// were paused for the copy (beside_pause_ms).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createPrismaClient } from '@berth/db';
import { ControlPlane } from '@berth/testing';
import Docker from 'dockerode';
import { envUrl, PreviewBrowser } from '../../e2e/preview-session.js';

interface ServiceOutcome {
  ms: number;
}
interface ReplicateDetails {
  services: Record<string, ServiceOutcome>;
  besideServing?: { pausedMs: number; copied: { bytes?: number }[] };
  database?: {
    action: string;
    volumes: { ms: number; bytes?: number }[];
    seeded?: { ms: number };
    captured?: { ms: number };
  };
}

const SEED = [
  'node',
  '-e',
  "const { Client } = require('pg'); const c = new Client({ connectionString: process.env.DATABASE_URL });" +
    " c.connect().then(() => c.query(\"INSERT INTO orders (item, quantity, email) SELECT 'seeded', 1, 's@x.test'" +
    ' WHERE NOT EXISTS (SELECT 1 FROM orders)")).then(() => c.end())',
];

const seconds = (ms: number) => Math.round(ms) / 1000;

export async function throughBerth(root: string, log: (line: string) => void) {
  const databaseUrl =
    process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth';
  const prisma = createPrismaClient(databaseUrl);
  const plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    composeVariablesFile: `${root}scripts/bootstrap/images.env`,
    logLevel: 'warn',
  });
  const name = `dbbench${randomBytes(3).toString('hex')}`;
  const repository = `acme/${name}`;
  const details = async (pr: number): Promise<ReplicateDetails> => {
    const run = await prisma.stageRun.findFirst({
      where: {
        stage: 'replicate',
        status: 'succeeded',
        revision: { environment: { repository: { fullName: repository }, prNumber: pr } },
      },
      orderBy: { createdAt: 'desc' },
    });
    return run?.details as unknown as ReplicateDetails;
  };
  try {
    await plane.github.createRepository({
      owner: 'acme',
      name,
      fromDirectory: `${root}examples/shop`,
    });
    const compose = readFileSync(`${root}examples/shop/docker-compose.yml`, 'utf8').replace(
      '  database: { service: db }',
      `  database:\n    service: db\n    seed: { service: api, command: ${JSON.stringify(SEED)} }`,
    );
    log('through Berth: first push to main (builds the shop)');
    await plane.github.commitToBranch(repository, 'main', { 'docker-compose.yml': compose });
    const first = await plane.waitForState(repository, 0, 'ready', { timeoutMs: 900_000 });

    log('through Berth: a second push to main (base_refresh_s)');
    const refreshStarted = performance.now();
    await plane.github.commitToBranch(repository, 'main', { 'BENCH.md': 'refresh\n' });
    await plane.waitForState(repository, 0, 'ready', {
      generation: first.generation + 1,
      timeoutMs: 900_000,
    });
    const baseRefreshS = seconds(performance.now() - refreshStarted);
    const refreshed = await details(0);

    const openAndWait = async (branch: string, labels: string[]) => {
      const started = performance.now();
      const pr = await plane.github.openPullRequest({
        repo: repository,
        branch,
        title: branch,
        labels,
      });
      await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 900_000 });
      return { pr, s: seconds(performance.now() - started), replicate: await details(pr.number) };
    };
    log('through Berth: a db:fresh PR');
    const fresh = await openAndWait('bench/fresh', ['db:fresh']);
    log('through Berth: a db:branch PR');
    const branch = await openAndWait('bench/branch', ['db:branch']);

    log('through Berth: pushes to the db:branch PR, in place then beside the serving revision');
    const view = await plane.environment(repository, branch.pr.number);
    if (!view) throw new Error(`no view of ${repository}#${branch.pr.number}`);
    const viewer = new PreviewBrowser(plane, view);
    let generation = view.generation;
    const pushAndWait = async (files: Record<string, string>) => {
      const statuses: number[] = [];
      let rolling = true;
      const probing = (async () => {
        while (rolling) {
          statuses.push((await viewer.request(`${envUrl(view, 'api')}/healthz`)).status);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const started = performance.now();
      await plane.github.pushToPullRequest(branch.pr, files);
      generation += 1;
      await plane.waitForState(repository, branch.pr.number, 'ready', {
        generation,
        timeoutMs: 900_000,
      });
      const s = seconds(performance.now() - started);
      rolling = false;
      await probing;
      return {
        s,
        replicate: await details(branch.pr.number),
        requests: statuses.length,
        failed: statuses.filter((status) => status !== 200).length,
      };
    };
    const inPlace = await pushAndWait({ 'api/src/bench.txt': 'in place\n' });
    const beside = await pushAndWait({
      'migrate/migrations/900_bench.sql': 'ALTER TABLE orders ADD COLUMN bench_note text;\n',
    });

    const ms = (d: ReplicateDetails, service: string) => d.services[service]?.ms ?? 0;
    const freshPath =
      ms(fresh.replicate, 'db') +
      ms(fresh.replicate, 'migrate') +
      (fresh.replicate.database?.seeded?.ms ?? 0);
    const copy = branch.replicate.database?.volumes[0]?.ms ?? 0;
    const branchPath = copy + ms(branch.replicate, 'db') + ms(branch.replicate, 'migrate');

    for (const pr of [fresh.pr, branch.pr]) {
      await plane.github.closePullRequest(pr, { merged: false });
      await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 300_000 });
    }
    return {
      base_refresh_s: baseRefreshS,
      db_fresh_s: seconds(freshPath),
      db_branch_berth_s: seconds(branchPath),
      push_in_place_s: inPlace.s,
      push_beside_s: beside.s,
      beside_pause_ms: beside.replicate.besideServing?.pausedMs,
      beside_failed_requests: beside.failed,
      detail: {
        pushes: {
          in_place: { requests: inPlace.requests, failed: inPlace.failed },
          beside: {
            requests: beside.requests,
            failed: beside.failed,
            copied_bytes: beside.replicate.besideServing?.copied[0]?.bytes,
          },
        },
        base_capture_s: seconds(refreshed.database?.captured?.ms ?? 0),
        fresh: {
          db_ready_s: seconds(ms(fresh.replicate, 'db')),
          migrate_s: seconds(ms(fresh.replicate, 'migrate')),
          seed_s: seconds(fresh.replicate.database?.seeded?.ms ?? 0),
          pr_open_to_ready_s: fresh.s,
        },
        branch: {
          copy_s: seconds(copy),
          db_ready_s: seconds(ms(branch.replicate, 'db')),
          migrate_s: seconds(ms(branch.replicate, 'migrate')),
          pr_open_to_ready_s: branch.s,
        },
      },
    };
  } finally {
    // The base environment lives until its repository is disabled: the sweep removes it.
    await removeLabelled(`berth.repo=${repository}`);
    await plane.stop();
    await prisma.$disconnect();
  }
}

async function removeLabelled(label: string): Promise<void> {
  const docker = new Docker();
  const filters = JSON.stringify({ label: [label] });
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  }
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined);
}
