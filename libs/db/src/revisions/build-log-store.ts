import type { PrismaClient } from '../generated.js';

export interface BuildLogView {
  service: string;
  succeeded: boolean;
  text: string;
  droppedLines: number;
  updatedAt: Date;
}

/**
 * The tail of each service's image build (decision 0030), per revision. The build stage writes
 * it after each build, succeeded or failed, bounded by `LineTail` (@berth/core); a retried build's replaces the earlier attempt's.
 */
export class BuildLogStore {
  constructor(private readonly prisma: PrismaClient) {}

  async record(
    revisionId: string,
    service: string,
    log: { succeeded: boolean; lines: readonly string[]; droppedLines: number },
  ): Promise<void> {
    const fields = {
      succeeded: log.succeeded,
      text: log.lines.join('\n'),
      droppedLines: log.droppedLines,
    };
    await this.prisma.buildLog.upsert({
      where: { revisionId_service: { revisionId, service } },
      create: { revisionId, service, ...fields },
      update: fields,
    });
  }

  ofRevision(revisionId: string): Promise<BuildLogView[]> {
    return this.prisma.buildLog.findMany({
      where: { revisionId },
      orderBy: { service: 'asc' },
      select: { service: true, succeeded: true, text: true, droppedLines: true, updatedAt: true },
    });
  }
}
