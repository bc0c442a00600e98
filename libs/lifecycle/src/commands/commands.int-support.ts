// Integration-test support (not production code): the command path over a test database, and
// environments seeded in a given state, for the stage runner and convergence specs.
import { randomBytes, randomInt } from 'node:crypto';
import {
  AuditLogStore,
  type EnvironmentState,
  EnvironmentLeases,
  EnvironmentStore,
  Outbox,
  type PrismaClient,
  WebhookInbox,
} from '@berth/db';
import { EnvironmentCommands } from './environment-commands.js';

export function commandsOver(prisma: PrismaClient): EnvironmentCommands {
  return new EnvironmentCommands({
    store: new EnvironmentStore(prisma),
    outbox: new Outbox(prisma),
    inbox: new WebhookInbox(prisma),
    leases: new EnvironmentLeases(prisma),
    dockerHost: 'local',
    audit: new AuditLogStore(prisma),
  });
}

/** A repository of its own and PR #1 at `generation`, with a revision per generation. */
export async function seedEnvironment(
  prisma: PrismaClient,
  options: { state?: EnvironmentState; generation?: number; updatedAt?: Date } = {},
) {
  const generation = options.generation ?? 1;
  const suffix = randomBytes(4).toString('hex');
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `acme/seed-${suffix}`,
      owner: 'acme',
      name: `seed-${suffix}`,
      installationId: 1n,
      cloneUrl: 'http://127.0.0.1:1/acme/x.git',
    },
  });
  const env = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 1,
      generation,
      headSha: 'a'.repeat(40),
      branch: 'feat',
      baseBranch: 'main',
      state: options.state ?? 'building',
      ...(options.updatedAt ? { updatedAt: options.updatedAt } : {}),
    },
  });
  const revisions = [];
  for (let g = 1; g <= generation; g++) {
    revisions.push(
      await prisma.revision.create({
        data: { environmentId: env.id, generation: g, headSha: 'a'.repeat(40), configSnapshot: {} },
      }),
    );
  }
  return { env, revision: revisions.at(-1)!, revisions };
}

/** What the rows of a pull request need from the GitHub emulator holding it. */
export interface EmulatedRepository {
  installationId: number;
  cloneUrl(fullName: string): string;
}

/**
 * The repository row (a random provider id: the test database is shared) and the environment of
 * one of its pull requests, as the command path would have written them.
 */
export async function seedPullRequestRows(
  prisma: PrismaClient,
  gh: EmulatedRepository,
  pr: {
    fullName: string;
    number: number;
    headSha: string;
    branch: string;
    state?: EnvironmentState;
    generation?: number;
    labelNotes?: object[];
  },
) {
  const [owner, name] = pr.fullName.split('/') as [string, string];
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: pr.fullName,
      owner,
      name,
      installationId: BigInt(gh.installationId),
      cloneUrl: gh.cloneUrl(pr.fullName),
    },
  });
  return prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: pr.number,
      headSha: pr.headSha,
      branch: pr.branch,
      baseBranch: 'main',
      ...(pr.state ? { state: pr.state } : {}),
      ...(pr.generation !== undefined ? { generation: pr.generation } : {}),
      ...(pr.labelNotes ? { labelNotes: pr.labelNotes } : {}),
    },
    include: { repository: true },
  });
}
