import type { ApiConfig } from '@berth/config';
import { MasterKeyring, type SecretLayer } from '@berth/core';
import {
  rotateMasterKey,
  type RotationReport,
  ScopedSecretStore,
  type ScopedEntryView,
  type ScopedWrite,
} from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ownerParam, pullRequestParam, repositoryParam } from './route-params.js';

/** An entry as listed: never its value (values are write-only). */
export interface SecretEntryView {
  layer: SecretLayer;
  name: string;
  kind: 'value' | 'reference';
  reference?: string;
  updatedAt: string;
}

/**
 * The operator's secret layers (`berth secret set|rm|ls|rotate-key`, decision 0016): the
 * installation's preview defaults, a repository's values, a pull request's values. A value is
 * sealed on arrival and never returned; a reference names a Secrets Manager secret the wire
 * stage reads after checking the production rules. Logged by name only.
 */
@Controller('admin/v1/secrets')
@UseGuards(AdminTokenGuard)
export class SecretsAdminController {
  private readonly logger = new Logger('admin');
  private readonly store: ScopedSecretStore | undefined;
  private readonly ring: MasterKeyring | undefined;

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.ring = config.BERTH_MASTER_KEY
      ? new MasterKeyring(config.BERTH_MASTER_KEY, config.BERTH_MASTER_KEY_PREVIOUS)
      : undefined;
    this.store = this.ring ? new ScopedSecretStore(stores.prisma, this.ring) : undefined;
  }

  @Get('repositories/:owner/:name')
  async list(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Query('pr') pr?: string,
  ): Promise<{ repository: string; secrets: SecretEntryView[] }> {
    const target = targetOf(owner, name, pr);
    const entries = await this.secrets().list(target);
    return { repository: target.repository, secrets: entries.map(view) };
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
  async rotateKey(): Promise<RotationReport> {
    const ring = this.ring;
    if (!ring) throw noMasterKey();
    const report = await rotateMasterKey(this.stores.prisma, ring);
    this.logger.log({ msg: 'master key rotation', ...report });
    return report;
  }

  private async set(
    layer: SecretLayer,
    target: { repository: string; prNumber?: number },
    name: string,
    body: unknown,
  ): Promise<{ layer: SecretLayer; name: string; kind: 'value' | 'reference' }> {
    const write = writeOf(body);
    try {
      await this.secrets().set(layer, target, name, write);
    } catch (error) {
      if (error instanceof Error && /is invalid/.test(error.message)) {
        throw new BadRequestException(error.message);
      }
      throw error;
    }
    const kind = 'reference' in write ? 'reference' : 'value';
    this.logger.log({ msg: 'secret set', layer, target, name, kind });
    return { layer, name, kind };
  }

  private async remove(
    layer: SecretLayer,
    target: { repository: string; prNumber?: number },
    name: string,
  ): Promise<{ layer: SecretLayer; name: string; removed: true }> {
    let removed: boolean;
    try {
      removed = await this.secrets().remove(layer, target, name);
    } catch (error) {
      if (error instanceof Error && /is invalid/.test(error.message)) {
        throw new BadRequestException(error.message);
      }
      throw error;
    }
    if (!removed) throw new NotFoundException(`no ${layer} secret named ${name}`);
    this.logger.log({ msg: 'secret removed', layer, target, name });
    return { layer, name, removed: true };
  }

  private secrets(): ScopedSecretStore {
    if (!this.store) throw noMasterKey();
    return this.store;
  }
}

function noMasterKey(): ConflictException {
  return new ConflictException(
    'secret layers are off: set BERTH_MASTER_KEY on the api and the worker (`openssl rand -base64 32`)',
  );
}

function targetOf(owner: string, name: string, pr?: string) {
  const repository = repositoryParam(owner, name);
  return pr === undefined ? { repository } : { repository, prNumber: pullRequestParam(pr) };
}

/** `{ "value": "…" }` or `{ "reference": "shop/stripe-test#key" }`, exactly one. */
function writeOf(body: unknown): ScopedWrite {
  const b = (body ?? {}) as Record<string, unknown>;
  const keys = Object.keys(b);
  const unknown = keys.filter((k) => k !== 'value' && k !== 'reference');
  if (unknown.length > 0) {
    throw new BadRequestException(
      `unknown field ${unknown.join(', ')}; give "value" or "reference"`,
    );
  }
  if (typeof b['value'] === 'string' && b['reference'] === undefined) {
    if (b['value'] === '') throw new BadRequestException('value must not be empty');
    if (b['value'].length > 65_536) throw new BadRequestException('value must be at most 64 KiB');
    return { value: b['value'] };
  }
  if (typeof b['reference'] === 'string' && b['value'] === undefined) {
    return { reference: b['reference'] };
  }
  throw new BadRequestException(
    'give exactly one of "value" (the secret, stored sealed and never shown again) or "reference" (a Secrets Manager secret name or ARN, optionally #jsonKey)',
  );
}

function view(entry: ScopedEntryView): SecretEntryView {
  return {
    layer: entry.layer,
    name: entry.name,
    kind: entry.kind,
    ...(entry.reference ? { reference: entry.reference } : {}),
    updatedAt: entry.updatedAt.toISOString(),
  };
}
