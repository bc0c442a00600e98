import { generateBypassToken, hashBypassToken, isRepositoryFullName } from '@berth/core';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import type { RepositorySettingsStore } from '@berth/db';
import { AdminRoutes } from './admin-routes.decorator.js';
import type { GatewayNotifications } from './gateway-notifications.js';
import {
  RepositorySettingsService,
  type RepositorySettingsView,
  settingsView as view,
} from './repository-settings.service.js';

export type { RepositorySettingsView } from './repository-settings.service.js';

/**
 * `/admin/v1/repositories`: the operator's policy per repository (what `berth repo show|set`
 * call). Settings are keyed by owner/name so they can be written before the first webhook.
 */
@Controller('admin/v1/repositories')
@AdminRoutes()
export class RepositoriesAdminController {
  private readonly logger = new Logger('admin');
  private readonly settings: RepositorySettingsStore;
  private readonly notify: GatewayNotifications;

  constructor(
    @Inject(RepositorySettingsService) private readonly service: RepositorySettingsService,
  ) {
    this.settings = service.settings;
    this.notify = service.notify;
  }

  @Get()
  async list(): Promise<{ repositories: RepositorySettingsView[] }> {
    return { repositories: await this.service.list() };
  }

  @Get(':owner/:name')
  async show(
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<RepositorySettingsView> {
    return this.service.show(fullName(owner, name));
  }

  @Patch(':owner/:name')
  async update(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<RepositorySettingsView> {
    return this.service.update(fullName(owner, name), body);
  }

  /**
   * A new bypass secret for the `token` mode, returned once and stored only as its SHA-256; the
   * previous one stops working as soon as gateways drop the repository's routes (at once).
   */
  @Post(':owner/:name/bypass-token')
  @HttpCode(200)
  async rotateBypassToken(
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<{ repository: string; secret: string; header: string; tokenModeEnabled: boolean }> {
    const repository = fullName(owner, name);
    const secret = generateBypassToken();
    const updated = await this.settings.setBypassTokenHash(repository, hashBypassToken(secret));
    await this.notify.repositoryAccessChanged(repository);
    this.logger.log({ msg: 'bypass token rotated', repository });
    return {
      repository: updated.fullName,
      secret,
      header: 'X-Berth-Bypass',
      tokenModeEnabled: updated.accessModes.includes('token'),
    };
  }

  @Delete(':owner/:name')
  @HttpCode(200)
  async reset(
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<RepositorySettingsView & { removed: boolean }> {
    const repository = fullName(owner, name);
    const removed = await this.settings.remove(repository);
    await this.notify.repositoryAccessChanged(repository);
    return { ...view(await this.settings.forRepository(repository)), removed };
  }
}

function fullName(owner: string, name: string): string {
  const value = `${owner}/${name}`;
  if (!isRepositoryFullName(value)) {
    throw new BadRequestException(
      `repository must be owner/name as GitHub spells it (e.g. acme/shop), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
