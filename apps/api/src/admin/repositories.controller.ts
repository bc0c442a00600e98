import {
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
  UseGuards,
} from '@nestjs/common';
import { STORES } from '../tokens.js';
import { AdminTokenGuard } from './admin-token.guard.js';

/** A repository's operator settings as the admin API shows them. */
export interface RepositorySettingsView extends Omit<RepositorySettings, 'stored'> {
  /** False: nothing is stored, every value is Berth's default. */
  configured: boolean;
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

  constructor(@Inject(STORES) stores: Stores) {
    this.settings = new RepositorySettingsStore(stores.prisma);
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
    // Which fields changed, never their values' secrets (settings hold none, but stay terse).
    this.logger.log({
      msg: 'repository settings changed',
      repository,
      fields: Object.keys(parsed.patch),
    });
    return view(updated);
  }

  @Delete(':owner/:name')
  @HttpCode(200)
  async reset(
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<RepositorySettingsView & { removed: boolean }> {
    const repository = fullName(owner, name);
    const removed = await this.settings.remove(repository);
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
  const { stored, ...rest } = settings;
  return { ...rest, configured: stored };
}
