import { restrictionAllows } from '@berth/core';
import { EnvironmentQueries } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ShareLinkService } from '../../admin/share-link.service.js';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import { visibleEnvironment } from '../environments/environment-access.js';
import {
  bodySchema,
  type MintedShareLinkBody,
  MintedShareLinkSchema,
  MintShareLinkRequestSchema,
  ProblemSchema,
  type ShareLinkBody,
  ShareLinkSchema,
} from '../openapi/schemas.js';
import { idParam } from '../params.js';
import { notFound } from '../problem/problem.js';

type Request = V1Request & { auditDetail?: string };

/**
 * Share links through REST v1 (decisions 0013, 0029): the admin API's ShareLinkService, for an
 * environment the token may see. The minted link is a credential: answered once, never logged.
 */
@ApiTags('share-links')
@Controller('api/v1')
export class ShareLinksController {
  private readonly environments: EnvironmentQueries;

  constructor(
    @Inject(STORES) stores: Stores,
    @Inject(ShareLinkService) private readonly service: ShareLinkService,
  ) {
    this.environments = new EnvironmentQueries(stores.prisma);
  }

  @Post('environments/:id/share-links')
  // Not idempotent on purpose: a replay would need the minted link (a credential) stored.
  @RequireScope('write', { audited: true })
  @ApiOperation({ operationId: 'mintShareLink', summary: 'Mint a share link (shown once)' })
  @ApiBody({ schema: bodySchema(MintShareLinkRequestSchema) })
  @ApiCreatedResponse({
    description: 'The link per service',
    standardSchema: MintedShareLinkSchema,
  })
  @ApiNotFoundResponse({
    description: 'No such environment, or not one the token may see',
    standardSchema: ProblemSchema,
  })
  async mint(
    @Req() request: Request,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<MintedShareLinkBody> {
    const principal = principalOf(request);
    const env = await visibleEnvironment(this.environments, principal, id);
    const shareable = await this.service.links.environmentOf(env.repository.fullName, env.prNumber);
    if (!shareable) throw notFound(`no environment with id ${id}`);
    const minted = await this.service.mint(shareable, {
      ...((body ?? {}) as object),
      createdBy: principal.name,
    });
    request.auditDetail = `minted share link ${minted.id} until ${minted.expiresAt}`;
    return minted;
  }

  @Delete('share-links/:id')
  @HttpCode(200)
  @RequireScope('write', { audited: true })
  @ApiOperation({ operationId: 'revokeShareLink', summary: 'Revoke a share link (at once)' })
  @ApiOkResponse({ description: 'The revoked link', standardSchema: ShareLinkSchema })
  @ApiNotFoundResponse({
    description: 'No such link, or not one the token may see',
    standardSchema: ProblemSchema,
  })
  async revoke(@Req() request: Request, @Param('id') id: string): Promise<ShareLinkBody> {
    idParam(id, 'share link');
    const link = await this.service.links.find(id);
    const env = link ? await this.environments.find(link.environmentId) : null;
    if (!env || !restrictionAllows(principalOf(request).restriction, env.repository.fullName)) {
      throw notFound(`no share link with id ${id}`);
    }
    const revoked = await this.service.revoke(id);
    if (!revoked) throw notFound(`no share link with id ${id}`);
    return revoked;
  }
}
