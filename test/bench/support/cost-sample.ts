// The `maintenance` suite's cost telemetry part (decision 0025): BENCH_COST_CONTAINERS running
// containers (default 40, four per environment) labelled as previews' services on ledger host
// <run>-cost, and the real usage sampler over them. Prints:
//   cost_sample_s          one steady pass: list, read every container's counters once
//                          (inspect + one-shot stats), compare with the baselines, record
//   cost_sample_first_s    the first pass, which also measures the host's disk (docker df)
//   cost_sample_containers containers read in the steady pass
// Everything carries berth.bench=<run> (the sampler's scope) and is removed by `cleanup`.
import { randomInt } from 'node:crypto';
import { LABEL_ENV, LABEL_MANAGED, LABEL_SERVICE } from '@berth/core';
import { type PrismaClient, UsageStore } from '@berth/db';
import { UsageSampler } from '@berth/lifecycle';
import type { DockerContainerHost } from '@berth/providers';
import { pino } from 'pino';

const PER_ENVIRONMENT = 4;

export async function costSampleBench(options: {
  prisma: PrismaClient;
  host: DockerContainerHost;
  run: string;
  scope: Record<string, string>;
  image: string;
  log: (line: string) => void;
}) {
  const { prisma, host, run, scope, image, log } = options;
  const count = Number(process.env['BENCH_COST_CONTAINERS'] ?? 40);
  const dockerHost = `${run}-cost`;
  const fullName = `acme/${run}-cost`;
  const environments = Math.ceil(count / PER_ENVIRONMENT);
  const names: string[] = [];
  const cleanup = async () => {
    await Promise.all(names.map((name) => host.removeContainer(name).catch(() => undefined)));
    await prisma.usageCursor.deleteMany({ where: { host: dockerHost } }).catch(() => 0);
    const repo = await prisma.repository.findFirst({ where: { fullName } });
    if (repo) {
      // Usage rows go with their environments (on delete cascade).
      await prisma.environment.deleteMany({ where: { repositoryId: repo.id } }).catch(() => 0);
      await prisma.repository.delete({ where: { id: repo.id } }).catch(() => 0);
    }
  };
  try {
    log(`cost: ${count} running containers in ${environments} environments (${fullName})`);
    const repository = await prisma.repository.create({
      data: {
        providerId: BigInt(randomInt(1, 2 ** 47)),
        fullName,
        owner: 'acme',
        name: `${run}-cost`,
        installationId: 1n,
        cloneUrl: `http://127.0.0.1:1/${fullName}.git`,
      },
    });
    await prisma.environment.createMany({
      data: Array.from({ length: environments }, (_, i) => ({
        repositoryId: repository.id,
        prNumber: i + 1,
        headSha: 'a'.repeat(40),
        branch: `b${i + 1}`,
        baseBranch: 'main',
        state: 'ready' as const,
        readyAt: new Date(),
        dockerHost,
      })),
    });
    for (let i = 0; i < count; i++) names.push(`${run}-cost-${i}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < names.length) {
          const i = next++;
          const container = await host.docker.createContainer({
            name: names[i],
            Image: image,
            Cmd: ['sleep', '3600'],
            Labels: {
              ...scope,
              [LABEL_MANAGED]: 'true',
              [LABEL_ENV]: `${fullName}#${Math.floor(i / PER_ENVIRONMENT) + 1}`,
              [LABEL_SERVICE]: `s${i % PER_ENVIRONMENT}`,
            },
            HostConfig: { NetworkMode: 'none' },
          });
          await container.start();
        }
      }),
    );
    const sampler = new UsageSampler({
      host,
      store: new UsageStore(prisma),
      dockerHost,
      diskIntervalMs: 3_600_000,
      scope,
      logger: pino({ level: 'silent' }),
    });
    let t = performance.now();
    const first = await sampler.sample();
    const firstMs = performance.now() - t;
    t = performance.now();
    const steady = await sampler.sample();
    const steadyMs = performance.now() - t;
    log(`cost: first pass ${JSON.stringify(first)}`);
    log(`cost: steady pass ${JSON.stringify(steady)}`);
    return {
      cost_sample_s: Math.round(steadyMs) / 1000,
      cost_sample_first_s: Math.round(firstMs) / 1000,
      cost_sample_containers: steady.containers,
      cost_sample_recorded: steady.recorded,
      cost_sample_unreadable: first.unreadable + steady.unreadable,
    };
  } finally {
    await cleanup();
  }
}
