import type { ApiConfig } from '@berth/config';
import { parseShareLinkRequest, readWiring, shareLink, signShareToken } from '@berth/core';
import { type ShareLink, ShareLinkStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { pullRequestParam, repositoryParam } from './route-params.js';
import { GatewayNotifications } from './gateway-notifications.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/**
 * Share links minted on demand (`berth share create|list|revoke`, decision 0013): bound to one
 * environment, 1 h to 7 d, revocable. Minting changes no environment state, so it does not go
 * through the lifecycle's command path; it writes only `share_links`.
 */
@Controller('admin/v1')
@UseGuards(AdminTokenGuard)
export class ShareLinksAdminController {
  private readonly logger = new Logger('admin');
  private readonly links: ShareLinkStore;
  private readonly notify: GatewayNotifications;

  constructor(
    @Inject(STORES) stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.links = new ShareLinkStore(stores.prisma);
    this.notify = new GatewayNotifications(stores);
  }

  @Post('repositories/:owner/:name/pulls/:pr/share-links')
  async create(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
    @Body() body: unknown,
  ): Promise<ShareLinkView & { links: Record<string, string> }> {
    const secret = this.config.PREVIEW_LINK_SECRET;
    if (secret === undefined) {
      throw new ConflictException(
        'share links are off: set PREVIEW_LINK_SECRET on the api (the same value as the gateway)',
      );
    }
    const parsed = parseShareLinkRequest(body);
    if (!parsed.ok)
      throw new BadRequestException(`invalid share link: ${parsed.problems.join('; ')}`);
    const environment = await this.environment(owner, name, pr);
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
    return { ...view(row), links };
  }

  @Get('repositories/:owner/:name/pulls/:pr/share-links')
  async list(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
  ): Promise<{ shareLinks: ShareLinkView[] }> {
    const environment = await this.environment(owner, name, pr);
    return { shareLinks: (await this.links.ofEnvironment(environment.id)).map((row) => view(row)) };
  }

  /** Idempotent: revoking a revoked link answers the same, with its first revocation time. */
  @Delete('share-links/:id')
  @HttpCode(200)
  async revoke(@Param('id') id: string): Promise<ShareLinkView> {
    const notFound = () => new NotFoundException(`no share link with id ${id}`);
    if (!UUID.test(id)) throw notFound();
    const row = await this.links.revoke(id, new Date());
    if (!row) throw notFound();
    await this.notify.shareLinkRevoked(row.id);
    this.logger.log({
      msg: 'share link revoked',
      linkId: row.id,
      environmentId: row.environmentId,
    });
    return view(row);
  }

  private async environment(owner: string, name: string, pr: string) {
    const repository = repositoryParam(owner, name);
    const environment = await this.links.environmentOf(repository, pullRequestParam(pr));
    if (!environment) throw new NotFoundException(`Berth has no preview for ${repository}#${pr}`);
    return environment;
  }
}

function view(row: ShareLink, now = new Date()): ShareLinkView {
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
