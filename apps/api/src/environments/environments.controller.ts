import { EnvironmentQueries, type EnvironmentState, EnvironmentState as States } from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import { STORES } from '../tokens.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import {
  environmentDetail,
  type EnvironmentDetail,
  environmentSummary,
  type EnvironmentSummary,
} from './environment-view.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATES = Object.values(States) as string[];
const LIST_LIMIT = 200;

/** Read-only view of environments for platform tooling: state, stages, services, URLs. */
@Controller('api/v1/environments')
@UseGuards(BearerTokenGuard)
export class EnvironmentsController {
  private readonly environments: EnvironmentQueries;

  constructor(@Inject(STORES) stores: Stores) {
    this.environments = new EnvironmentQueries(stores.prisma);
  }

  @Get()
  async list(
    @Query('repository') repository?: string,
    @Query('state') state?: string,
  ): Promise<{ environments: EnvironmentSummary[] }> {
    if (repository !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
      throw new BadRequestException('repository must be owner/name, e.g. acme/shop');
    }
    if (state !== undefined && !STATES.includes(state)) {
      throw new BadRequestException(`state must be one of ${STATES.join(', ')}`);
    }
    const rows = await this.environments.list({
      ...(repository ? { repository } : {}),
      ...(state ? { state: state as EnvironmentState } : {}),
      limit: LIST_LIMIT,
    });
    return { environments: rows.map(environmentSummary) };
  }

  @Get(':id')
  async detail(@Param('id') id: string): Promise<EnvironmentDetail> {
    const notFound = () => new NotFoundException(`no environment with id ${id}`);
    if (!UUID.test(id)) throw notFound();
    const env = await this.environments.find(id);
    if (!env) throw notFound();
    const revision = await this.environments.revisionWithRuns(id, env.generation);
    return environmentDetail(env, revision);
  }
}
