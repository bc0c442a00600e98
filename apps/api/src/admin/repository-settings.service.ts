import { parseRepositorySettingsPatch, type RepositorySettings } from '@berth/core';
import { RepositorySettingsStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { STORES } from '../tokens.js';
import { GatewayNotifications } from './gateway-notifications.js';

/** A repository's operator settings as the admin API and REST v1 show them. */
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
 * The operator's settings per repository, read and changed the same way by /admin/v1 (the
 * CLI) and /api/v1 (decision 0029): validated by core, stored, and the gateways told at once.
 */
@Injectable()
export class RepositorySettingsService {
  private readonly logger = new Logger('admin');
  readonly settings: RepositorySettingsStore;
  readonly notify: GatewayNotifications;

  constructor(@Inject(STORES) stores: Stores) {
    this.settings = new RepositorySettingsStore(stores.prisma);
    this.notify = new GatewayNotifications(stores);
  }

  async list(): Promise<RepositorySettingsView[]> {
    return (await this.settings.list()).map(settingsView);
  }

  async show(repository: string): Promise<RepositorySettingsView> {
    return settingsView(await this.settings.forRepository(repository));
  }

  /** 400 with every problem (`problems`: field and message) when the patch is not valid. */
  async update(repository: string, body: unknown): Promise<RepositorySettingsView> {
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
    return settingsView(updated);
  }
}

export function settingsView(settings: RepositorySettings): RepositorySettingsView {
  const { stored, bypassTokenHash, ...rest } = settings;
  return { ...rest, configured: stored, bypassTokenSet: bypassTokenHash !== undefined };
}
