import type { ApiConfig } from '@berth/config';
import { MasterKeyring, type ScopeTarget, type SecretLayer } from '@berth/core';
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
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';

/** An entry as listed: never its value (values are write-only). */
export interface SecretEntryView {
  layer: SecretLayer;
  name: string;
  kind: 'value' | 'reference';
  reference?: string;
  updatedAt: string;
  /** The pull request of a `pull_request` entry (REST v1's repository-wide list). */
  pullRequest?: number;
}

/**
 * The operator's secret layers (decision 0016), set and listed the same way by /admin/v1
 * (`berth secret`) and /api/v1 (decision 0031): a value is sealed on arrival and never
 * returned; a reference names a Secrets Manager secret the wire stage reads after checking the
 * production rules. Logged by name only, never by value.
 */
@Injectable()
export class SecretLayersService {
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

  /** The layers that apply to one target (with a PR number: all three). */
  async list(target: ScopeTarget): Promise<SecretEntryView[]> {
    return (await this.secrets().list(target)).map(secretEntryView);
  }

  /** Everything that can reach a repository's previews, each pull request's layer too. */
  async listRepository(repository: string): Promise<SecretEntryView[]> {
    return (await this.secrets().listRepository(repository)).map(secretEntryView);
  }

  /** `body` is `{ value }` or `{ reference }` (see `secretWriteOf`); answers without the value. */
  async set(
    layer: SecretLayer,
    target: ScopeTarget,
    name: string,
    body: unknown,
  ): Promise<{ layer: SecretLayer; name: string; kind: 'value' | 'reference' }> {
    const write = secretWriteOf(body);
    try {
      await this.secrets().set(layer, target, name, write);
    } catch (error) {
      throw asBadRequest(error);
    }
    const kind = 'reference' in write ? 'reference' : 'value';
    this.logger.log({ msg: 'secret set', layer, target, name, kind });
    return { layer, name, kind };
  }

  /** 404 when there was no such entry. */
  async remove(
    layer: SecretLayer,
    target: ScopeTarget,
    name: string,
  ): Promise<{ layer: SecretLayer; name: string; removed: true }> {
    let removed: boolean;
    try {
      removed = await this.secrets().remove(layer, target, name);
    } catch (error) {
      throw asBadRequest(error);
    }
    if (!removed) throw new NotFoundException(`no ${layer} secret named ${name}`);
    this.logger.log({ msg: 'secret removed', layer, target, name });
    return { layer, name, removed: true };
  }

  /**
   * Re-seals every data key under the current BERTH_MASTER_KEY. Run once every process has the
   * new key as BERTH_MASTER_KEY and the old one in BERTH_MASTER_KEY_PREVIOUS; then drop the old.
   */
  async rotateKey(): Promise<RotationReport> {
    const ring = this.ring;
    if (!ring) throw noMasterKey();
    const report = await rotateMasterKey(this.stores.prisma, ring);
    this.logger.log({ msg: 'master key rotation', ...report });
    return report;
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

/** The store's "is invalid" errors (a bad name or reference) are the caller's mistake. */
function asBadRequest(error: unknown): unknown {
  if (error instanceof Error && /is invalid/.test(error.message)) {
    return new BadRequestException(error.message);
  }
  return error;
}

/** `{ "value": "…" }` or `{ "reference": "shop/stripe-test#key" }`, exactly one. */
export function secretWriteOf(body: unknown): ScopedWrite {
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

function secretEntryView(entry: ScopedEntryView & { pullRequest?: number }): SecretEntryView {
  return {
    layer: entry.layer,
    name: entry.name,
    kind: entry.kind,
    ...(entry.reference ? { reference: entry.reference } : {}),
    updatedAt: entry.updatedAt.toISOString(),
    ...(entry.pullRequest === undefined ? {} : { pullRequest: entry.pullRequest }),
  };
}
