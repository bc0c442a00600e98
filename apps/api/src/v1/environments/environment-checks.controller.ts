import { CheckRunStore, EnvironmentQueries } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { repositoryPageOf } from '../../environments/environment-view.js';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import { type EnvironmentChecks, EnvironmentChecksSchema } from '../openapi/operator-schemas.js';
import { ProblemSchema } from '../openapi/schemas.js';
import { visibleEnvironment } from './environment-access.js';

/**
 * Berth's check runs on an environment's head (the console's detail page), as the worker last
 * wrote them to GitHub. The api never calls GitHub for them (it holds no GitHub port, like it
 * holds no Docker one): GitHub stays their store (decision 0011), this is the worker's copy.
 */
@ApiTags('environments')
@Controller('api/v1/environments')
export class EnvironmentChecksController {
  private readonly environments: EnvironmentQueries;
  private readonly checkRuns: CheckRunStore;

  constructor(@Inject(STORES) stores: Stores) {
    this.environments = new EnvironmentQueries(stores.prisma);
    this.checkRuns = new CheckRunStore(stores.prisma);
  }

  @Get(':id/checks')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'getEnvironmentChecks',
    summary: "Berth's check runs on the environment's head commit, as last written to GitHub",
  })
  @ApiOkResponse({ description: 'The check runs', standardSchema: EnvironmentChecksSchema })
  @ApiNotFoundResponse({
    description: 'No environment the token may see',
    standardSchema: ProblemSchema,
  })
  async checks(@Req() request: V1Request, @Param('id') id: string): Promise<EnvironmentChecks> {
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const runs = await this.checkRuns.onCommit(env.id, env.headSha);
    return {
      headSha: env.headSha,
      checks: runs.map((run) => ({
        name: run.name,
        status: run.status,
        conclusion: run.conclusion,
        url: repositoryPageOf(env.repository.cloneUrl, `runs/${run.githubId}`),
      })),
    };
  }
}
