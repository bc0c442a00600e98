import {
  generateBypassToken,
  hashBypassToken,
  isRepositoryFullName,
  parseRepositorySettingsPatch,
  type RepositorySettings,
} from '@berth/core';
import { RepositorySettingsStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
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
  UseGuards,
} from '@nestjs/common';
import { STORES } from '../tokens.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { GatewayNotifications } from './gateway-notifications.js';

/** A repository's operator settings as the admin API shows them. */
export interface RepositorySettingsView extends Omit<
  RepositorySettings,
  'stored' | 'bypassTokenHash'
> {
  /** False: nothing is stored, every value is Berth's default. */
  configured: boolean;
  /** Whether a bypass secret exists (`berth repo rotate-bypass`); the secret is never shown again. */
  bypassTokenSet: boolean;
}

/**
 * `/admin/v1/repositories`: the operator's policy per repository (what `berth repo show|set`
 * call). Settings are keyed by owner/name so they can be written before the first webhook.
 */
@Controller('admin/v1/repositories')
@UseGuards(AdminTokenGuard)
export class RepositoriesAdminController {
  private readonly logger = new Logger('admin');
  private readonly settings: RepositorySettingsStore;
  private readonly notify: GatewayNotifications;

  constructor(@Inject(STORES) stores: Stores) {
    this.settings = new RepositorySettingsStore(stores.prisma);
    this.notify = new GatewayNotifications(stores);
  }

  @Get()
  async list(): Promise<{ repositories: RepositorySettingsView[] }> {
    return { repositories: (await this.settings.list()).map(view) };
  }

  @Get(':owner/:name')
  async show(
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<RepositorySettingsView> {
    return view(await this.settings.forRepository(fullName(owner, name)));
  }

  @Patch(':owner/:name')
  async update(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<RepositorySettingsView> {
    const repository = fullName(owner, name);
    const parsed = parseRepositorySettingsPatch(body ?? {});
    if (!parsed.ok) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: `invalid settings for ${repository}: ${parsed.problems
          .map((p) => `${p.field}: ${p.message}`)
          .join('; ')}`,
        problems: parsed.problems,
      });
    }
    const updated = await this.settings.update(repository, parsed.patch);
    // Gateways cache routes with their repository's access settings: drop them now.
    await this.notify.repositoryAccessChanged(repository);
    // Which fields changed, never their values' secrets (settings hold none, but stay terse).
    this.logger.log({
      msg: 'repository settings changed',
      repository,
      fields: Object.keys(parsed.patch),
    });
    return view(updated);
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

function view(settings: RepositorySettings): RepositorySettingsView {
  const { stored, bypassTokenHash, ...rest } = settings;
  return { ...rest, configured: stored, bypassTokenSet: bypassTokenHash !== undefined };
}
