import type { PrismaClient } from '../generated.js';

/** One of Berth's check runs as the worker last wrote it to GitHub. */
export interface CheckRunRow {
  githubId: number;
  environmentId: string;
  headSha: string;
  name: string;
  status: string;
  conclusion: string | null;
}

/**
 * Berth's check runs, recorded by the worker after each write to GitHub, read by the api for the
 * console (GitHub stays their store, decision 0011: a lost record costs the page a row, never a
 * check run).
 */
export class CheckRunStore {
  constructor(private readonly prisma: PrismaClient) {}

  async record(row: CheckRunRow): Promise<void> {
    const data = {
      environmentId: row.environmentId,
      headSha: row.headSha,
      name: row.name,
      status: row.status,
      conclusion: row.conclusion,
    };
    await this.prisma.checkRunRecord.upsert({
      where: { githubId: BigInt(row.githubId) },
      create: { githubId: BigInt(row.githubId), ...data },
      update: data,
    });
  }

  /** An environment's check runs on one commit, newest first within each name. */
  async onCommit(environmentId: string, headSha: string): Promise<CheckRunRow[]> {
    const rows = await this.prisma.checkRunRecord.findMany({
      where: { environmentId, headSha },
      orderBy: [{ name: 'desc' }, { githubId: 'desc' }],
    });
    return rows.map((r) => ({
      githubId: Number(r.githubId),
      environmentId: r.environmentId,
      headSha: r.headSha,
      name: r.name,
      status: r.status,
      conclusion: r.conclusion,
    }));
  }
}
