import type { ApiConfig } from '@berth/config';
import { parseShareLinkRequest, readWiring, shareLink, signShareToken } from '@berth/core';
import { type ShareableEnvironment, type ShareLink, ShareLinkStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
import { GatewayNotifications } from './gateway-notifications.js';

/** A share link as listed: never its token (that is shown once, when minted). */
export interface ShareLinkView {
  id: string;
  environmentId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  note: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export type MintedShareLink = ShareLinkView & { links: Record<string, string> };

/**
 * Minting and revoking share links (decision 0013), the same for /admin/v1 (`berth share`) and
 * /api/v1 (decision 0029). Minting changes no environment state, so it does not go through
 * the lifecycle's command path; it writes only `share_links`.
 */
@Injectable()
export class ShareLinkService {
  private readonly logger = new Logger('admin');
  readonly links: ShareLinkStore;
  private readonly notify: GatewayNotifications;

  constructor(
    @Inject(STORES) stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.links = new ShareLinkStore(stores.prisma);
    this.notify = new GatewayNotifications(stores);
  }

  async mint(environment: ShareableEnvironment, body: unknown): Promise<MintedShareLink> {
    const secret = this.config.PREVIEW_LINK_SECRET;
    if (secret === undefined) {
      throw new ConflictException(
        'share links are off: set PREVIEW_LINK_SECRET on the api (the same value as the gateway)',
      );
    }
    const parsed = parseShareLinkRequest(body);
    if (!parsed.ok)
      throw new BadRequestException(`invalid share link: ${parsed.problems.join('; ')}`);
    if (environment.state === 'destroyed' || environment.state === 'destroying') {
      throw new ConflictException(
        `${environment.repository}#${environment.prNumber} is ${environment.state}: nothing to share`,
      );
    }
    const urls = readWiring(environment.wiring).urls;
    if (Object.keys(urls).length === 0) {
      throw new ConflictException(
        `${environment.repository}#${environment.prNumber} has no URLs yet (state ${environment.state}); try again once it is ready`,
      );
    }
    const { ttlSeconds, note, createdBy } = parsed.request;
    // Whole seconds: the token carries its expiry in seconds, the row must say the same.
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + ttlSeconds) * 1000);
    const row = await this.links.create({
      environmentId: environment.id,
      createdBy,
      expiresAt,
      ...(note === undefined ? {} : { note }),
    });
    const token = signShareToken(secret, {
      environmentId: environment.id,
      expiresAt,
      linkId: row.id,
    });
    // The link itself is a credential: logged by id only.
    this.logger.log({
      msg: 'share link minted',
      linkId: row.id,
      environmentId: environment.id,
      createdBy,
      expiresAt: expiresAt.toISOString(),
    });
    const links = Object.fromEntries(
      Object.entries(urls).map(([service, url]) => [service, shareLink(url, token)]),
    );
    return { ...shareLinkView(row), links };
  }

  /** Idempotent: revoking a revoked link answers the same, with its first revocation time. */
  async revoke(id: string): Promise<ShareLinkView | null> {
    const row = await this.links.revoke(id, new Date());
    if (!row) return null;
    await this.notify.shareLinkRevoked(row.id);
    this.logger.log({
      msg: 'share link revoked',
      linkId: row.id,
      environmentId: row.environmentId,
    });
    return shareLinkView(row);
  }
}

export function shareLinkView(row: ShareLink, now = new Date()): ShareLinkView {
  const status = row.revokedAt ? 'revoked' : row.expiresAt <= now ? 'expired' : 'active';
  return {
    id: row.id,
    environmentId: row.environmentId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    note: row.note,
    status,
  };
}
