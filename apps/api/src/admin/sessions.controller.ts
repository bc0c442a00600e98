import { isRepositoryFullName } from '@berth/core';
import { type SsoSessionFilter, type SsoSessionRow, SsoStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Post,
  Query,
} from '@nestjs/common';
import { STORES } from '../tokens.js';
import { AdminRoutes } from './admin-routes.decorator.js';

/** An SSO session as listed (decision 0014). */
export interface SsoSessionView {
  id: string;
  /** Null: the sign-in host's own session. */
  environmentId: string | null;
  provider: string;
  login: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * `/admin/v1/sessions` (`berth sessions list|revoke`): SSO sessions of one person or one
 * environment. Revoking notifies every gateway in the same transaction; they refuse the
 * sessions within seconds, without reading Postgres per request.
 */
@Controller('admin/v1/sessions')
@AdminRoutes()
export class SessionsAdminController {
  private readonly logger = new Logger('admin');
  private readonly sessions: SsoStore;

  constructor(@Inject(STORES) stores: Stores) {
    this.sessions = new SsoStore(stores.prisma);
  }

  @Get()
  async list(
    @Query('user') user?: string,
    @Query('env') env?: string,
  ): Promise<{ sessions: SsoSessionView[] }> {
    const filter = await this.filter({ user, env });
    return { sessions: (await this.sessions.list(filter, new Date())).map(view) };
  }

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Body() body: unknown): Promise<{ revoked: number }> {
    const { user, env } = (body ?? {}) as { user?: unknown; env?: unknown };
    const filter = await this.filter({
      user: typeof user === 'string' ? user : undefined,
      env: typeof env === 'string' ? env : undefined,
    });
    const revoked = await this.sessions.revoke(filter, new Date());
    this.logger.log({ msg: 'SSO sessions revoked', ...filterLog(filter), revoked });
    return { revoked };
  }

  /** Exactly one of user (a login) or env (`owner/name#pr`). */
  private async filter(input: { user?: string; env?: string }): Promise<SsoSessionFilter> {
    const user = input.user?.trim();
    const env = input.env?.trim();
    if ((user ? 1 : 0) + (env ? 1 : 0) !== 1) {
      throw new BadRequestException(
        'give exactly one of user (a GitHub login or OIDC email) or env (owner/name#pr, e.g. acme/shop#12)',
      );
    }
    if (user) return { login: user };
    const match = /^([^#]+)#(\d+)$/.exec(env ?? '');
    if (!match || !isRepositoryFullName(match[1] ?? '')) {
      throw new BadRequestException(
        `env must be owner/name#pr (e.g. acme/shop#12), got ${JSON.stringify(env)}`,
      );
    }
    const environmentId = await this.sessions.environmentOf(match[1] ?? '', Number(match[2]));
    if (!environmentId) throw new NotFoundException(`no preview environment for ${env}`);
    return { environmentId };
  }
}

function view(row: SsoSessionRow): SsoSessionView {
  return {
    id: row.id,
    environmentId: row.environmentId,
    provider: row.provider,
    login: row.login,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

function filterLog(filter: SsoSessionFilter): Record<string, string> {
  if ('login' in filter) return { user: filter.login };
  return 'environmentId' in filter ? { environmentId: filter.environmentId } : { id: filter.id };
}
