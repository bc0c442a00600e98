import {
  assertMasterKey,
  openSecret,
  SECRET_NAME,
  type SecretStore,
  sealSecret,
} from '@berth/core';
import type { PrismaClient } from '../generated.js';

/** The scope of operator-wide secrets (the App's credentials); later issues add narrower ones. */
export const GLOBAL_SCOPE = 'global';

/**
 * SecretStore over Berth's own `secrets` table: values are sealed in this process (core's
 * AES-256-GCM envelope) and only ciphertext crosses to Postgres. A database dump without
 * BERTH_MASTER_KEY reveals names and nothing else.
 */
export class PostgresSecretStore implements SecretStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly masterKey: Buffer,
    private readonly scope: string = GLOBAL_SCOPE,
  ) {
    assertMasterKey(masterKey);
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.prisma.secret.findUnique({
      where: { scope_name: { scope: this.scope, name: checkName(name) } },
      select: { wrappedKey: true, ciphertext: true },
    });
    if (!row) return undefined;
    return openSecret(
      this.masterKey,
      { scope: this.scope, name },
      {
        version: 1,
        wrappedKey: Buffer.from(row.wrappedKey),
        ciphertext: Buffer.from(row.ciphertext),
      },
    );
  }

  async put(name: string, value: string): Promise<void> {
    await this.putAll({ [name]: value });
  }

  async putAll(values: Readonly<Record<string, string>>): Promise<void> {
    const rows = Object.entries(values).map(([name, value]) => {
      const sealed = sealSecret(
        this.masterKey,
        { scope: this.scope, name: checkName(name) },
        value,
      );
      const data = {
        version: sealed.version,
        wrappedKey: new Uint8Array(sealed.wrappedKey),
        ciphertext: new Uint8Array(sealed.ciphertext),
      };
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
