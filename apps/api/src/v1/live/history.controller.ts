import { readWiring, redactSecrets, secretValuesOf } from '@berth/core';
import { BuildLogStore, EnvironmentQueries } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { stageView } from '../../environments/environment-view.js';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import { visibleEnvironment } from '../environments/environment-access.js';
import {
  type BuildLogBody,
  BuildLogSchema,
  ProblemSchema,
  type StageHistory,
  StageHistorySchema,
} from '../openapi/schemas.js';
import { limitParam, oneOfQuery } from '../params.js';
import { invalid, notFound } from '../problem/problem.js';

const NOT_FOUND = ApiNotFoundResponse({
  description: 'No such environment (or generation), or not one the token may see',
  standardSchema: ProblemSchema,
});

interface TextResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * What happened to an environment (decision 0030): its stage history per generation and the
 * tail of each service's image build. Both redacted with the generation's secrets.
 */
@ApiTags('environments')
@Controller('api/v1/environments')
export class EnvironmentHistoryController {
  private readonly environments: EnvironmentQueries;
  private readonly buildLogs: BuildLogStore;

  constructor(@Inject(STORES) stores: Stores) {
    this.environments = new EnvironmentQueries(stores.prisma);
    this.buildLogs = new BuildLogStore(stores.prisma);
  }

  @Get(':id/stages')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'getEnvironmentStages',
    summary: "Stage history: each generation's stage runs, every attempt",
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    type: 'integer',
    description: 'generations, newest first: 1 to 200, default 50',
  })
  @ApiOkResponse({ description: 'The history', standardSchema: StageHistorySchema })
  @NOT_FOUND
  async stages(
    @Req() request: V1Request,
    @Param('id') id: string,
    @Query('limit') limit?: string,
  ): Promise<StageHistory> {
    const take = limitParam(limit);
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const revisions = await this.environments.revisionsWithRuns(env.id, take);
    return {
      environmentId: env.id,
      generations: revisions.map((revision) => {
        const secrets = secretValuesOf({ wirings: [readWiring(revision.wiring)] });
        return {
          generation: revision.generation,
          headSha: revision.headSha,
          createdAt: revision.createdAt.toISOString(),
          stages: revision.stageRuns.map((run) => stageView(run, secrets)),
        };
      }),
    };
  }

  @Get(':id/build-log')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'getEnvironmentBuildLog',
    summary: "The tail of each service's image build in one generation",
  })
  @ApiQuery({
    name: 'generation',
    required: false,
    type: 'integer',
    description: "default the environment's current generation",
  })
  @ApiQuery({
    name: 'format',
    required: false,
    enum: ['json', 'text'],
    description: 'default json',
  })
  @ApiOkResponse({
    description: 'The build log (`format=text`: the same as text/plain)',
    standardSchema: BuildLogSchema,
  })
  @NOT_FOUND
  async buildLog(
    @Req() request: V1Request,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: TextResponse,
    @Query('generation') generation?: string,
    @Query('format') format?: string,
  ): Promise<BuildLogBody | string> {
    if (generation !== undefined && !/^\d{1,9}$/.test(generation)) {
      throw invalid('query.generation', 'must be a generation number such as 3');
    }
    const as = oneOfQuery('format', format, ['json', 'text'] as const) ?? 'json';
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const wanted = generation === undefined ? env.generation : Number(generation);
    const revision = await this.environments.revisionWithRuns(env.id, wanted);
    if (!revision) throw notFound(`environment ${env.id} has no generation ${wanted}`);
    const secrets = secretValuesOf({ wirings: [readWiring(revision.wiring)] });
    const logs = await this.buildLogs.ofRevision(revision.id);
    const body: BuildLogBody = {
      environmentId: env.id,
      generation: wanted,
      services: logs.map((log) => ({
        service: log.service,
        succeeded: log.succeeded,
        lines: log.text === '' ? [] : log.text.split('\n').map((l) => redactSecrets(l, secrets)),
        droppedLines: log.droppedLines,
        updatedAt: log.updatedAt.toISOString(),
      })),
    };
    if (as === 'json') return body;
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    return buildLogText(body);
  }
}

function buildLogText(body: BuildLogBody): string {
  if (body.services.length === 0) return `generation ${body.generation}: no service was built\n`;
  return body.services
    .map((s) => {
      const head = `=== ${s.service} (${s.succeeded ? 'built' : 'failed'}) ===`;
      const cut = s.droppedLines > 0 ? [`… ${s.droppedLines} earlier lines not kept`] : [];
      return [head, ...cut, ...s.lines].join('\n');
    })
    .join('\n\n')
    .concat('\n');
}
