import type { EnvironmentState, PrismaClient } from '../generated.js';

/** The environment an operator means by `owner/name#pr`. */
export interface PullRequestEnvironment {
  id: string;
  state: EnvironmentState;
  generation: number;
  dockerHost: string;
  /** As Berth stored it (the operator may have typed another case). */
  repository: string;
  prNumber: number;
}

/**
 * `owner/name#pr` (any case) → its environment, or null when Berth never saw that pull request.
 * The one lookup behind share links, TTL extensions, sleep/wake and SSO sessions by PR.
 */
export async function pullRequestEnvironment(
  prisma: PrismaClient,
  repository: string,
  prNumber: number,
): Promise<PullRequestEnvironment | null> {
  const row = await prisma.environment.findFirst({
    where: { prNumber, repository: { fullName: { equals: repository, mode: 'insensitive' } } },
    // A name can come back as a new repository (deleted and created again, or renamed):
    // the newest pull request of that name is the one meant.
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      state: true,
      generation: true,
      dockerHost: true,
      prNumber: true,
      repository: { select: { fullName: true } },
    },
  });
  return row ? { ...row, repository: row.repository.fullName } : null;
}
