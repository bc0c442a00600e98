import { type MasterKeyring, SECRET_NAME, type SecretStore } from '@berth/core';
import type { PrismaClient } from '../generated.js';
import { type MasterKeys, openRow, ringOf, sealedColumns } from './sealed-rows.js';

/** The scope of operator-wide secrets (the App's credentials); later issues add narrower ones. */
export const GLOBAL_SCOPE = 'global';

/**
 * SecretStore over Berth's own `secrets` table: values are sealed in this process (core's
 * AES-256-GCM envelope) and only ciphertext crosses to Postgres. A database dump without
 * BERTH_MASTER_KEY reveals names and nothing else.
 */
export class PostgresSecretStore implements SecretStore {
  private readonly ring: MasterKeyring;

  constructor(
    private readonly prisma: PrismaClient,
    masterKey: MasterKeys,
    private readonly scope: string = GLOBAL_SCOPE,
  ) {
    this.ring = ringOf(masterKey);
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.prisma.secret.findUnique({
      where: { scope_name: { scope: this.scope, name: checkName(name) } },
      select: { wrappedKey: true, ciphertext: true, keyId: true },
    });
    if (!row) return undefined;
    return openRow(this.ring, { scope: this.scope, name }, row);
  }

  async put(name: string, value: string): Promise<void> {
    await this.putAll({ [name]: value });
  }

  async putAll(values: Readonly<Record<string, string>>): Promise<void> {
    const rows = Object.entries(values).map(([name, value]) => {
      const data = sealedColumns(this.ring, { scope: this.scope, name: checkName(name) }, value);
      return this.prisma.secret.upsert({
        where: { scope_name: { scope: this.scope, name } },
        create: { scope: this.scope, name, ...data },
        update: data,
      });
    });
    await this.prisma.$transaction(rows);
  }

  async delete(name: string): Promise<boolean> {
    const { count } = await this.prisma.secret.deleteMany({
      where: { scope: this.scope, name: checkName(name) },
    });
    return count > 0;
  }

  async names(): Promise<string[]> {
    const rows = await this.prisma.secret.findMany({
      where: { scope: this.scope },
      select: { name: true },
      orderBy: { name: 'asc' },
    });
    return rows.map((r) => r.name);
  }
}

function checkName(name: string): string {
  if (!SECRET_NAME.test(name)) {
    throw new Error(
      `secret name ${JSON.stringify(name)} is invalid: use lowercase words separated by /, such as github/app`,
    );
  }
  return name;
}
