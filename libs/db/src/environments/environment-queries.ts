import type { EnvironmentState, PrismaClient, Revision, StageRun } from '../generated.js';
import type { EnvironmentRow } from './environment-store.js';

export interface EnvironmentFilter {
  /** `owner/name`. */
  repository?: string;
  state?: EnvironmentState;
  limit: number;
}

export type RevisionWithRuns = Revision & { stageRuns: StageRun[] };

/**
 * The read side of environments for the api, the stage runner and the sinks. No locks: callers
 * that decide something re-read under the command path's lock. The one write here, the PR
 * comment id, belongs to the comment sink alone (no state machine decision depends on it).
 */
export class EnvironmentQueries {
  constructor(private readonly prisma: PrismaClient) {}

  /** Most recently changed first. */
  list(filter: EnvironmentFilter): Promise<EnvironmentRow[]> {
    return this.prisma.environment.findMany({
      where: {
        ...(filter.repository ? { repository: { fullName: filter.repository } } : {}),
        ...(filter.state ? { state: filter.state } : {}),
      },
      include: { repository: true },
      orderBy: [{ updatedAt: 'desc' }],
      take: filter.limit,
    });
  }

  find(environmentId: string): Promise<EnvironmentRow | null> {
    return this.prisma.environment.findUnique({
      where: { id: environmentId },
      include: { repository: true },
    });
  }

  /** A generation's revision with its stage runs, oldest first. */
  revisionWithRuns(environmentId: string, generation: number): Promise<RevisionWithRuns | null> {
    return this.prisma.revision.findUnique({
      where: { environmentId_generation: { environmentId, generation } },
      include: { stageRuns: { orderBy: [{ createdAt: 'asc' }, { attempt: 'asc' }] } },
    });
  }

  /** The environment's generations with their stage runs, newest first (stage history). */
  revisionsWithRuns(environmentId: string, limit: number): Promise<RevisionWithRuns[]> {
    return this.prisma.revision.findMany({
      where: { environmentId },
      orderBy: { generation: 'desc' },
      take: limit,
      include: { stageRuns: { orderBy: [{ createdAt: 'asc' }, { attempt: 'asc' }] } },
    });
  }

  async rememberComment(environmentId: string, commentId: number): Promise<void> {
    await this.prisma.environment.update({
      where: { id: environmentId },
      data: { commentId: BigInt(commentId) },
    });
  }
}
