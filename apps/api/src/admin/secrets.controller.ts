import type { SecretLayer } from '@berth/core';
import type { RotationReport } from '@berth/db';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { AdminRoutes } from './admin-routes.decorator.js';
import { ownerParam, pullRequestParam, repositoryParam } from './route-params.js';
import { SecretLayersService, type SecretEntryView } from './secret-layers.service.js';

export type { SecretEntryView } from './secret-layers.service.js';

/**
 * The operator's secret layers (`berth secret set|rm|ls|rotate-key`, decision 0016): the
 * installation's preview defaults, a repository's values, a pull request's values. A value is
 * sealed on arrival and never returned; a reference names a Secrets Manager secret the wire
 * stage reads after checking the production rules. Logged by name only.
 */
@Controller('admin/v1/secrets')
@AdminRoutes()
export class SecretsAdminController {
  constructor(@Inject(SecretLayersService) private readonly service: SecretLayersService) {}

  @Get('repositories/:owner/:name')
  async list(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Query('pr') pr?: string,
  ): Promise<{ repository: string; secrets: SecretEntryView[] }> {
    const target = targetOf(owner, name, pr);
    return { repository: target.repository, secrets: await this.service.list(target) };
  }

  @Put('installations/:owner/:secret')
  setInstallation(
    @Param('owner') owner: string,
    @Param('secret') secret: string,
    @Body() body: unknown,
  ) {
    // The installation layer is keyed by owner; any repository name of it addresses it.
    return this.set('installation', { repository: `${ownerParam(owner)}/-` }, secret, body);
  }

  @Put('repositories/:owner/:name/:secret')
  setRepository(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('secret') secret: string,
    @Body() body: unknown,
  ) {
    return this.set('repository', targetOf(owner, name), secret, body);
  }

  @Put('repositories/:owner/:name/pulls/:pr/:secret')
  setPullRequest(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
    @Param('secret') secret: string,
    @Body() body: unknown,
  ) {
    return this.set('pull_request', targetOf(owner, name, pr), secret, body);
  }

  @Delete('installations/:owner/:secret')
  @HttpCode(200)
  removeInstallation(@Param('owner') owner: string, @Param('secret') secret: string) {
    return this.remove('installation', { repository: `${ownerParam(owner)}/-` }, secret);
  }

  @Delete('repositories/:owner/:name/:secret')
  @HttpCode(200)
  removeRepository(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('secret') secret: string,
  ) {
    return this.remove('repository', targetOf(owner, name), secret);
  }

  @Delete('repositories/:owner/:name/pulls/:pr/:secret')
  @HttpCode(200)
  removePullRequest(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
    @Param('secret') secret: string,
  ) {
    return this.remove('pull_request', targetOf(owner, name, pr), secret);
  }

  /**
   * Re-seals every data key under the current BERTH_MASTER_KEY. Run once every process has the
   * new key as BERTH_MASTER_KEY and the old one in BERTH_MASTER_KEY_PREVIOUS; then drop the old.
   */
  @Post('rotate-key')
  @HttpCode(200)
  rotateKey(): Promise<RotationReport> {
    return this.service.rotateKey();
  }

  private set(
    layer: SecretLayer,
    target: { repository: string; prNumber?: number },
    name: string,
    body: unknown,
  ) {
    return this.service.set(layer, target, name, body);
  }

  private remove(
    layer: SecretLayer,
    target: { repository: string; prNumber?: number },
    name: string,
  ) {
    return this.service.remove(layer, target, name);
  }
}

function targetOf(owner: string, name: string, pr?: string) {
  const repository = repositoryParam(owner, name);
  return pr === undefined ? { repository } : { repository, prNumber: pullRequestParam(pr) };
}
