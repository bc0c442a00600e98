import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, PostgresSecretStore, type PrismaClient } from '../index.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
const masterKey = randomBytes(32);

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
});

afterAll(async () => {
  await prisma.secret.deleteMany({ where: { name: { startsWith: 'spec/' } } });
  await prisma?.$disconnect();
});

describe('PostgresSecretStore', () => {
  it('stores only ciphertext: the raw row does not contain the value', async () => {
    const store = new PostgresSecretStore(prisma, masterKey);
    const value = `-----BEGIN RSA PRIVATE KEY-----plaintext-${randomBytes(8).toString('hex')}`;
    await store.put('spec/pem', value);
    expect(await store.get('spec/pem')).toBe(value);

    const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT * FROM secrets WHERE name = 'spec/pem'`;
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(rows[0], (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(dump).not.toContain('plaintext-');
    expect(dump).not.toContain('BEGIN RSA');
    // Not merely encoded either: the base64 and hex forms are absent too.
    const text = await prisma.$queryRaw<Array<{ t: string }>>`
      SELECT encode(ciphertext, 'base64') || encode(ciphertext, 'hex') ||
             encode(wrapped_key, 'hex') AS t FROM secrets WHERE name = 'spec/pem'`;
    expect(text[0]?.t).not.toContain(Buffer.from(value).toString('hex').slice(0, 32));
  });

  it('replaces, lists names only, deletes, and answers undefined for a missing name', async () => {
    const store = new PostgresSecretStore(prisma, masterKey);
    await store.putAll({ 'spec/a': 'one', 'spec/b': 'two' });
    await store.put('spec/a', 'uno');
    expect(await store.get('spec/a')).toBe('uno');
    expect(await store.names()).toEqual(expect.arrayContaining(['spec/a', 'spec/b']));
    expect(await store.delete('spec/b')).toBe(true);
    expect(await store.delete('spec/b')).toBe(false);
    expect(await store.get('spec/b')).toBeUndefined();
  });

  it('refuses to open under another master key, naming BERTH_MASTER_KEY', async () => {
    await new PostgresSecretStore(prisma, masterKey).put('spec/key', 'v');
    const wrong = new PostgresSecretStore(prisma, randomBytes(32));
    await expect(wrong.get('spec/key')).rejects.toThrow(/BERTH_MASTER_KEY/);
  });

  it('keeps scopes apart', async () => {
    await new PostgresSecretStore(prisma, masterKey, 'repo:acme/shop').put('spec/s', 'scoped');
    expect(await new PostgresSecretStore(prisma, masterKey).get('spec/s')).toBeUndefined();
    expect(await new PostgresSecretStore(prisma, masterKey, 'repo:acme/shop').get('spec/s')).toBe(
      'scoped',
    );
  });
});
