import type {
  PreviewScopeInventoryItem,
  PreviewScopeRef,
  PreviewScopes,
  MasterKeyring,
} from '@berth/core';
import type { PrismaClient } from '../generated.js';
import { type MasterKeys, openRow, ringOf, sealedColumns } from './sealed-rows.js';

/** The `secrets` scope every environment's PR scope lives under in Berth's own table. */
export const PREVIEW_SCOPE = 'preview';

/**
 * PR scopes in Berth's own `secrets` table (SECRET_BACKEND=postgres, the default): one row per
 * environment, the values as one sealed JSON object, named like the Secrets Manager secret would
 * be so the ledger reads the same with either driver.
 */
export class PostgresPreviewScopes implements PreviewScopes {
  readonly provider = 'secrets_local' as const;
  private readonly ring: MasterKeyring;

  constructor(
    private readonly prisma: PrismaClient,
    masterKey: MasterKeys,
  ) {
    this.ring = ringOf(masterKey);
  }

  async read(ref: PreviewScopeRef): Promise<Record<string, string> | undefined> {
    const row = await this.prisma.secret.findUnique({
      where: { scope_name: { scope: PREVIEW_SCOPE, name: ref.name } },
      select: { wrappedKey: true, ciphertext: true, keyId: true },
    });
    if (!row) return undefined;
    return JSON.parse(openRow(this.ring, { scope: PREVIEW_SCOPE, name: ref.name }, row)) as Record<
      string,
      string
    >;
  }

  async write(ref: PreviewScopeRef, values: Readonly<Record<string, string>>): Promise<string> {
    const data = sealedColumns(
      this.ring,
      { scope: PREVIEW_SCOPE, name: ref.name },
      JSON.stringify(values),
    );
    const row = await this.prisma.secret.upsert({
      where: { scope_name: { scope: PREVIEW_SCOPE, name: ref.name } },
      create: { scope: PREVIEW_SCOPE, name: ref.name, ...data },
      update: data,
      select: { id: true },
    });
    return row.id;
  }

  async remove(name: string): Promise<void> {
    await this.prisma.secret.deleteMany({ where: { scope: PREVIEW_SCOPE, name } });
  }

  async inventory(): Promise<PreviewScopeInventoryItem[]> {
    const rows = await this.prisma.secret.findMany({
      where: { scope: PREVIEW_SCOPE },
      select: { id: true, name: true },
    });
    // The owner is the ledger row of the same name (the reconciler joins on it).
    return rows.map((row) => ({ name: row.name, providerId: row.id, deleting: false }));
  }
}
