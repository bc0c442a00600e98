import { restrictionAllows } from '@berth/core';
import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RepositorySettingsService } from '../../admin/repository-settings.service.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  ProblemSchema,
  type RepositorySettingsBody,
  type RepositorySettingsList,
  RepositorySettingsListSchema,
  RepositorySettingsSchema,
} from '../openapi/schemas.js';
import { visibleRepository as visible } from './visible-repository.js';

/**
 * `/api/v1/repositories` (decision 0029): the operator's settings per repository, the admin
 * API's (RepositorySettingsService), as a token may see them: another repository is a 404.
 */
@ApiTags('repositories')
@Controller('api/v1/repositories')
export class RepositoriesController {
  constructor(
    @Inject(RepositorySettingsService) private readonly service: RepositorySettingsService,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({
    operationId: 'listRepositories',
    summary: 'Repositories with stored settings (one page: at most one row per repository)',
  })
  @ApiOkResponse({
    description: 'Every repository the token may see',
    standardSchema: RepositorySettingsListSchema,
  })
  async list(@Req() request: V1Request): Promise<RepositorySettingsList> {
    const { restriction } = principalOf(request);
    const all = await this.service.list();
    return {
      repositories: all.filter((r) => restrictionAllows(restriction, r.fullName)),
    } as RepositorySettingsList;
  }

  @Get(':owner/:name/settings')
  @RequireScope('read')
  @ApiOperation({ operationId: 'getRepositorySettings', summary: "A repository's settings" })
  @ApiOkResponse({
    description: 'Its settings (defaults when unset)',
    standardSchema: RepositorySettingsSchema,
  })
  @ApiNotFoundResponse({
    description: 'Not a repository the token may see',
    standardSchema: ProblemSchema,
  })
  async show(
    @Req() request: V1Request,
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<RepositorySettingsBody> {
    return (await this.service.show(
      visible(principalOf(request), owner, name),
    )) as RepositorySettingsBody;
  }

  @Patch(':owner/:name/settings')
  @RequireScope('admin', { audited: true })
  @ApiOperation({
    operationId: 'updateRepositorySettings',
    summary: 'Change settings; only the fields given change',
  })
  @ApiBody({
    schema: {
      type: 'object',
      description: 'The fields of RepositorySettings to change (as `berth repo set`)',
      additionalProperties: true,
    },
  })
  @ApiOkResponse({ description: 'The settings now', standardSchema: RepositorySettingsSchema })
  @ApiNotFoundResponse({
    description: 'Not a repository the token may see',
    standardSchema: ProblemSchema,
  })
  async update(
    @Req() request: V1Request & { auditDetail?: string },
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<RepositorySettingsBody> {
    const repository = visible(principalOf(request), owner, name);
    request.auditTarget = repository;
    const updated = await this.service.update(repository, body);
    request.auditDetail = `changed ${Object.keys((body ?? {}) as object).join(', ')}`;
    return updated as RepositorySettingsBody;
  }

  /**
   * `berth repo set --enable`'s change as its own action: the repository may get previews again
   * (its next delivery builds; `POST /api/v1/deliveries/:id/redeliver` replays a missed one).
   */
  @Post(':owner/:name/enable')
  @HttpCode(200)
  @RequireScope('admin', { audited: true, idempotent: true })
  @ApiOperation({ operationId: 'enableRepository', summary: 'Allow previews for a repository' })
  @ApiOkResponse({ description: 'The settings now', standardSchema: RepositorySettingsSchema })
  @ApiNotFoundResponse({
    description: 'Not a repository the token may see',
    standardSchema: ProblemSchema,
  })
  enable(
    @Req() request: V1Request & { auditDetail?: string },
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<RepositorySettingsBody> {
    return this.setEnabled(request, owner, name, true);
  }

  /**
   * `berth repo set --disable`'s change (decision 0007): the inbox ignores the repository's
   * deliveries from now on, except closes, which still tear previews down through the command
   * path; its next push closes its base environment. Running previews are not destroyed here
   * (destroy each with `POST /environments/:id/destroy`), the same as the admin path.
   */
  @Post(':owner/:name/disable')
  @HttpCode(200)
  @RequireScope('admin', { audited: true, idempotent: true })
  @ApiOperation({ operationId: 'disableRepository', summary: 'Refuse previews for a repository' })
  @ApiOkResponse({ description: 'The settings now', standardSchema: RepositorySettingsSchema })
  @ApiNotFoundResponse({
    description: 'Not a repository the token may see',
    standardSchema: ProblemSchema,
  })
  disable(
    @Req() request: V1Request & { auditDetail?: string },
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<RepositorySettingsBody> {
    return this.setEnabled(request, owner, name, false);
  }

  private async setEnabled(
    request: V1Request & { auditDetail?: string },
    owner: string,
    name: string,
    enabled: boolean,
  ): Promise<RepositorySettingsBody> {
    const repository = visible(principalOf(request), owner, name);
    request.auditTarget = repository;
    request.auditDetail = enabled ? 'enabled' : 'disabled';
    return (await this.service.update(repository, { enabled })) as RepositorySettingsBody;
  }
}
