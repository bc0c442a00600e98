import { isRepositoryFullName, restrictionAllows } from '@berth/core';
import { Body, Controller, Get, Inject, Param, Patch, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RepositorySettingsService } from '../../admin/repository-settings.service.js';
import { type Principal, principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  ProblemSchema,
  type RepositorySettingsBody,
  type RepositorySettingsList,
  RepositorySettingsListSchema,
  RepositorySettingsSchema,
} from '../openapi/schemas.js';
import { notFound } from '../problem/problem.js';

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
}

/** owner/name when the token may see it; else the same 404 as a repository Berth never saw. */
function visible(principal: Principal, owner: string, name: string): string {
  const repository = `${owner}/${name}`;
  if (!isRepositoryFullName(repository) || !restrictionAllows(principal.restriction, repository)) {
    throw notFound(`no repository ${repository}`);
  }
  return repository.toLowerCase();
}
