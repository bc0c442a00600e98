import {
  BASE_ENVIRONMENT_PR,
  type EnvironmentState,
  type ResyncEnvironment,
  storedConfig,
} from '@berth/core';
import type { PrismaClient } from '../generated.js';

/** A repository Berth knows, as the resync with GitHub walks them (decision 0022). */
export interface ResyncRepository {
  /** Berth's row id. */
  id: string;
  /** GitHub's repository id. */
  providerId: number;
  fullName: string;
  owner: string;
  name: string;
  installationId: number;
}

export interface ResyncRepositoryFilter {
  /** `owner/name`, case-insensitive as on GitHub. */
  fullName?: string;
  installationId?: number;
}

/**
 * The resync's reads: the repositories to compare (grouped by installation by the caller), each
 * one's environments, and which PRs still have deliveries waiting in the inbox. It writes
 * nothing here: its differences go to the webhook inbox like any delivery.
 */
export class ResyncQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async repositories(filter: ResyncRepositoryFilter = {}): Promise<ResyncRepository[]> {
    const rows = await this.prisma.repository.findMany({
      where: {
        ...(filter.fullName ? { fullName: { equals: filter.fullName, mode: 'insensitive' } } : {}),
        ...(filter.installationId !== undefined
          ? { installationId: BigInt(filter.installationId) }
          : {}),
      },
      select: {
        id: true,
        providerId: true,
        fullName: true,
        owner: true,
        name: true,
        installationId: true,
      },
      orderBy: [{ installationId: 'asc' }, { fullName: 'asc' }],
    });
    return rows.map((r) => ({
      ...r,
      providerId: Number(r.providerId),
      installationId: Number(r.installationId),
    }));
  }

  /** Every pull request environment of the repository (not the base environment, PR 0). */
  async environments(repositoryId: string): Promise<ResyncEnvironment[]> {
    const rows = await this.prisma.environment.findMany({
      where: { repositoryId, prNumber: { gt: 0 } },
      select: { prNumber: true, state: true, headSha: true, closedAt: true, config: true },
      orderBy: { prNumber: 'asc' },
    });
    return rows.map((r) => ({
      prNumber: r.prNumber,
      state: r.state,
      headSha: r.headSha,
      closed: r.closedAt !== null,
      config: storedConfig(r.config),
    }));
  }

  /** The repository's base environment (PR 0), if it has one: the default branch's mirror. */
  async baseEnvironment(
    repositoryId: string,
  ): Promise<{ headSha: string; state: EnvironmentState; closed: boolean } | undefined> {
    const row = await this.prisma.environment.findFirst({
      where: { repositoryId, prNumber: BASE_ENVIRONMENT_PR },
      select: { headSha: true, state: true, closedAt: true },
    });
    return row
      ? { headSha: row.headSha, state: row.state, closed: row.closedAt !== null }
      : undefined;
  }

  /**
   * PR numbers of the repository with deliveries the inbox processor has not settled yet (0: the
   * base environment's pushes).
   */
  async waitingPullRequests(providerId: number): Promise<Set<number>> {
    const rows = await this.prisma.$queryRaw<{ key: string }[]>`
      SELECT DISTINCT ordering_key AS key FROM webhook_deliveries
      WHERE outcome = 'received' AND ordering_key LIKE ${`pr:${providerId}:%`}`;
    const numbers = rows
      .map((r) => Number(r.key.split(':')[2]))
      .filter((n) => Number.isInteger(n) && n >= 0);
    return new Set(numbers);
  }
}
