import { encodeCursor } from '@berth/core';
import {
  EnvironmentPages,
  EnvironmentQueries,
  type EnvironmentState,
  EnvironmentState as States,
} from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { STORES } from '../tokens.js';
import { principalOf, type V1Request } from '../v1/auth/principal.js';
import { RequireScope } from '../v1/auth/scope.decorator.js';
import { visibleEnvironment } from '../v1/environments/environment-access.js';
import {
  EnvironmentDetailSchema,
  type EnvironmentDetailBody,
  type EnvironmentPage,
  EnvironmentPageSchema,
  ProblemSchema,
} from '../v1/openapi/schemas.js';
import { cursorParam, limitParam, oneOfQuery, repositoryQuery } from '../v1/params.js';
import { invalid } from '../v1/problem/problem.js';
import { environmentDetail, environmentSummary } from './environment-view.js';

const STATES = Object.values(States) as EnvironmentState[];

/**
 * `GET /api/v1/environments[/:id]` (decision 0029): redacted views of environments — state,
 * stages, services, URLs, never the wiring's values. Lists are cursor pages, newest first,
 * filtered to the token's repositories.
 */
@ApiTags('environments')
@Controller('api/v1/environments')
export class EnvironmentsController {
  private readonly environments: EnvironmentQueries;
  private readonly pages: EnvironmentPages;

  constructor(@Inject(STORES) stores: Stores) {
    this.environments = new EnvironmentQueries(stores.prisma);
    this.pages = new EnvironmentPages(stores.prisma);
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ operationId: 'listEnvironments', summary: 'List environments, newest first' })
  @ApiQuery({ name: 'repository', required: false, description: 'owner/name' })
  @ApiQuery({ name: 'state', required: false, enum: STATES })
  @ApiQuery({ name: 'pr', required: false, type: 'integer', description: 'pull request number' })
  @ApiQuery({
    name: 'limit',
    required: false,
    type: 'integer',
    description: '1 to 200, default 50',
  })
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the page before' })
  @ApiOkResponse({ description: 'One page', standardSchema: EnvironmentPageSchema })
  async list(
    @Req() request: V1Request,
    @Query('repository') repository?: string,
    @Query('state') state?: string,
    @Query('pr') pr?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<EnvironmentPage> {
    const principal = principalOf(request);
    const take = limitParam(limit);
    const after = cursorParam(cursor);
    if (pr !== undefined && !/^\d{1,10}$/.test(pr)) {
      throw invalid('query.pr', 'must be a pull request number such as 12');
    }
    const repo = repositoryQuery(repository);
    const rows = await this.pages.page({
      ...(repo ? { repository: repo } : {}),
      ...(state !== undefined ? { state: oneOfQuery('state', state, STATES) } : {}),
      ...(pr !== undefined ? { prNumber: Number(pr) } : {}),
      restriction: principal.restriction,
      ...(after ? { after: { createdAt: new Date(after.at), id: after.id } } : {}),
      limit: take + 1,
    });
    const page = rows.slice(0, take);
    const last = page.at(-1);
    return {
      environments: page.map(environmentSummary),
      nextCursor:
        rows.length > take && last
          ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOperation({ operationId: 'getEnvironment', summary: 'One environment, with stages and URLs' })
  @ApiOkResponse({ description: 'The environment', standardSchema: EnvironmentDetailSchema })
  @ApiNotFoundResponse({
    description: 'No such environment, or not one the token may see',
    standardSchema: ProblemSchema,
  })
  async detail(@Req() request: V1Request, @Param('id') id: string): Promise<EnvironmentDetailBody> {
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const revision = await this.environments.revisionWithRuns(id, env.generation);
    return environmentDetail(env, revision);
  }
}
