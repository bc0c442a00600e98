import { readWiring, type RevisionImages, type RevisionWiring, type WiringRead } from '@berth/core';
import type { Prisma, PrismaClient, Revision } from '../generated.js';

/** Revisions and the outputs the stages leave on them (build: images, wire: wiring). */
export class RevisionStore {
  constructor(private readonly prisma: PrismaClient) {}

  find(environmentId: string, generation: number): Promise<Revision | null> {
    return this.prisma.revision.findUnique({
      where: { environmentId_generation: { environmentId, generation } },
    });
  }

  async saveImages(revisionId: string, images: RevisionImages): Promise<void> {
    await this.prisma.revision.update({
      where: { id: revisionId },
      data: { images: images as unknown as Prisma.InputJsonValue },
    });
  }

  async saveWiring(revisionId: string, wiring: RevisionWiring): Promise<void> {
    await this.prisma.revision.update({
      where: { id: revisionId },
      data: { wiring: wiring as unknown as Prisma.InputJsonValue },
    });
  }

  /** Wiring of this environment's generations up to `generation`, newest first. */
  async wiringsUpTo(environmentId: string, generation: number): Promise<WiringRead[]> {
    const rows = await this.prisma.revision.findMany({
      where: { environmentId, generation: { lte: generation } },
      orderBy: { generation: 'desc' },
      select: { wiring: true },
    });
    return rows.map((r) => readWiring(r.wiring));
  }
}
