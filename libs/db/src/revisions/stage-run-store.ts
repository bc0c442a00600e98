import type { PrismaClient, Stage, StageRun } from '../generated.js';

/** One attempt's record as the stage runner writes it (only the fields that changed). */
export interface StageRunWrite {
  /** queued: the stage waits for room (host memory) and runs again later. */
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'superseded';
  startedAt?: Date;
  finishedAt?: Date;
  durationMs?: number;
  errorMessage?: string | null;
  details?: Record<string, unknown>;
}

/** Stage runs: one row per (revision, stage, attempt), rewritten as the attempt progresses. */
export class StageRunStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Upsert, so recording the same attempt twice (a replayed job) converges. */
  async record(revisionId: string, stage: Stage, attempt: number, data: StageRunWrite) {
    const { details, ...rest } = data;
    const fields = { ...rest, ...(details ? { details: details as object } : {}) };
    await this.prisma.stageRun.upsert({
      where: { revisionId_stage_attempt: { revisionId, stage, attempt } },
      create: { revisionId, stage, attempt, ...fields },
      update: fields,
    });
  }

  /** A revision's runs, oldest first. */
  ofRevision(revisionId: string): Promise<StageRun[]> {
    return this.prisma.stageRun.findMany({ where: { revisionId }, orderBy: { createdAt: 'asc' } });
  }
}
