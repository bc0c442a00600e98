import {
  type MasterKeyring,
  SCOPED_SECRET_NAME,
  SECRET_LAYERS,
  type ScopedEntry,
  type ScopeTarget,
  scopeKey,
  type SecretLayer,
} from '@berth/core';
import type { PrismaClient } from '../generated.js';
import { type MasterKeys, openRow, ringOf, sealedColumns } from './sealed-rows.js';

/** What the admin API and CLI show of an entry: never its value. */
export interface ScopedEntryView {
  layer: SecretLayer;
  scope: string;
  name: string;
  kind: 'value' | 'reference';
  /** The Secrets Manager id a reference points at (an id, not a value). */
  reference?: string;
  updatedAt: Date;
}

export type ScopedWrite = { value: string } | { reference: string };

/** A Secrets Manager secret id or ARN, optionally `#jsonKey`. */
const REFERENCE = /^[A-Za-z0-9/_+=.@:-]{1,2048}(#[A-Za-z0-9_.-]{1,256})?$/;

/**
 * The operator's secret layers (installation → repository → pull request), in Berth's own
 * `secrets` table, values sealed under the master key like the App's credentials. Written only
 * by the admin API; read by the wire stage, which merges the layers (mergeLayers).
 */
export class ScopedSecretStore {
  private readonly ring: MasterKeyring;

  constructor(
    private readonly prisma: PrismaClient,
    masterKey: MasterKeys,
  ) {
    this.ring = ringOf(masterKey);
  }

  async set(
    layer: SecretLayer,
    target: ScopeTarget,
    name: string,
    write: ScopedWrite,
  ): Promise<void> {
    checkName(name);
    const scope = scopeKey(layer, target);
    const reference = 'reference' in write ? checkReference(write.reference) : null;
    const data = {
      ...sealedColumns(this.ring, { scope, name }, 'value' in write ? write.value : ''),
      reference,
    };
    await this.prisma.secret.upsert({
      where: { scope_name: { scope, name } },
      create: { scope, name, ...data },
      update: data,
    });
  }

  async remove(layer: SecretLayer, target: ScopeTarget, name: string): Promise<boolean> {
    const { count } = await this.prisma.secret.deleteMany({
      where: { scope: scopeKey(layer, target), name: checkName(name) },
    });
    return count > 0;
  }

  /** Every entry of the layers that apply to `target` (all three with a PR number), names only. */
  async list(target: ScopeTarget): Promise<ScopedEntryView[]> {
    const scopes = scopesOf(target);
    const rows = await this.prisma.secret.findMany({
      where: { scope: { in: [...scopes.keys()] } },
      select: { scope: true, name: true, reference: true, updatedAt: true },
      orderBy: [{ name: 'asc' }],
    });
    return rows.map((row) => ({
      layer: scopes.get(row.scope) as SecretLayer,
      scope: row.scope,
      name: row.name,
      kind: row.reference ? 'reference' : 'value',
      ...(row.reference ? { reference: row.reference } : {}),
      updatedAt: row.updatedAt,
    }));
  }

  /**
   * Every entry that can reach a repository's previews: its installation's, its own and each of
   * its pull requests' (`pullRequest` set on those), names only: the REST API's secret list.
   */
  async listRepository(
    repository: string,
  ): Promise<(ScopedEntryView & { pullRequest?: number })[]> {
    const target = { repository };
    const fixed = scopesOf(target);
    const prefix = `pull_request:${repository.toLowerCase()}#`;
    const rows = await this.prisma.secret.findMany({
      where: { OR: [{ scope: { in: [...fixed.keys()] } }, { scope: { startsWith: prefix } }] },
      select: { scope: true, name: true, reference: true, updatedAt: true },
      orderBy: [{ scope: 'asc' }, { name: 'asc' }],
    });
    return rows.flatMap((row) => {
      const fixedLayer = fixed.get(row.scope);
      const pr = row.scope.startsWith(prefix) ? Number(row.scope.slice(prefix.length)) : NaN;
      if (!fixedLayer && !Number.isSafeInteger(pr)) return [];
      return [
        {
          layer: fixedLayer ?? 'pull_request',
          scope: row.scope,
          name: row.name,
          kind: row.reference ? ('reference' as const) : ('value' as const),
          ...(row.reference ? { reference: row.reference } : {}),
          updatedAt: row.updatedAt,
          ...(fixedLayer ? {} : { pullRequest: pr }),
        },
      ];
    });
  }

  /** The entries for the wire stage, values opened; references stay references. */
  async entries(target: ScopeTarget): Promise<ScopedEntry[]> {
    const scopes = scopesOf(target);
    const rows = await this.prisma.secret.findMany({
      where: { scope: { in: [...scopes.keys()] } },
      select: {
        scope: true,
        name: true,
        reference: true,
        wrappedKey: true,
        ciphertext: true,
        keyId: true,
      },
    });
    return rows.map((row) => {
      const layer = scopes.get(row.scope) as SecretLayer;
      return row.reference
        ? { name: row.name, layer, reference: row.reference }
        : { name: row.name, layer, value: openRow(this.ring, row, row) };
    });
  }
}

function scopesOf(target: ScopeTarget): Map<string, SecretLayer> {
  const layers = SECRET_LAYERS.filter(
    (layer) => layer !== 'pull_request' || target.prNumber !== undefined,
  );
  return new Map(layers.map((layer) => [scopeKey(layer, target), layer]));
}

function checkName(name: string): string {
  if (!SCOPED_SECRET_NAME.test(name)) {
    throw new Error(
      `secret name ${JSON.stringify(name)} is invalid: use a name as x-berth.secrets lists it, such as api_key (lowercase letters, digits and _, starting with a letter)`,
    );
  }
  return name;
}

function checkReference(reference: string): string {
  if (!REFERENCE.test(reference)) {
    throw new Error(
      `reference ${JSON.stringify(reference)} is invalid: give a Secrets Manager secret name or ARN, optionally with #key for one JSON field (e.g. shop/stripe-test#api_key)`,
    );
  }
  return reference;
}
