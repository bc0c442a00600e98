import type { EnvironmentState, PrismaClient, ShareLink } from '../generated.js';
import { pullRequestEnvironment } from '../environments/pull-request-environment.js';

/** The environment a link is minted for, with its current revision's wiring (for the URLs). */
export interface ShareableEnvironment {
  id: string;
  state: EnvironmentState;
  repository: string;
  prNumber: number;
  wiring: unknown;
}

export interface NewShareLink {
  environmentId: string;
  createdBy: string;
  expiresAt: Date;
  note?: string;
}

/**
 * Share links minted on demand (decision 0013). Written by the api's admin endpoints; gateways
 * read only the revoked ones, all at once, into memory (never per request).
 */
export class ShareLinkStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** By owner/name (any case) and PR number; null when Berth never saw that pull request. */
  async environmentOf(repository: string, prNumber: number): Promise<ShareableEnvironment | null> {
    const env = await pullRequestEnvironment(this.prisma, repository, prNumber);
    if (!env) return null;
    const revision = await this.prisma.revision.findFirst({
      where: { environmentId: env.id, generation: env.generation },
      select: { wiring: true },
    });
    return {
      id: env.id,
      state: env.state,
      repository: env.repository,
      prNumber: env.prNumber,
      wiring: revision?.wiring ?? null,
    };
  }

  create(link: NewShareLink): Promise<ShareLink> {
    return this.prisma.shareLink.create({
      data: {
        environmentId: link.environmentId,
        createdBy: link.createdBy,
        expiresAt: link.expiresAt,
        ...(link.note === undefined ? {} : { note: link.note }),
      },
    });
  }

  find(id: string): Promise<ShareLink | null> {
    return this.prisma.shareLink.findUnique({ where: { id } });
  }

  /** Newest first, revoked and expired ones included (the operator's record). */
  ofEnvironment(environmentId: string): Promise<ShareLink[]> {
    return this.prisma.shareLink.findMany({
      where: { environmentId },
      orderBy: { createdAt: 'desc' },
    });
  }

  /** Idempotent: a link revoked before keeps its first revocation time. Null when unknown. */
  async revoke(id: string, at: Date): Promise<ShareLink | null> {
    await this.prisma.shareLink.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: at },
    });
    return this.find(id);
  }

  /**
   * Ids of revoked links that would otherwise still work: what a gateway keeps in memory. An
   * expired link needs no entry (its token says when it expires).
   */
  async revokedUnexpired(now: Date): Promise<string[]> {
    const rows = await this.prisma.shareLink.findMany({
      where: { revokedAt: { not: null }, expiresAt: { gt: now } },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }
}
