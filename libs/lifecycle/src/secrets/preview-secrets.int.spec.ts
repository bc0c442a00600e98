// The secret scope of one environment over the test database and the Secrets Manager emulator
// (real SDK): which layer wins, that a layer belongs to its repository only, that a second run
// changes nothing, and that a reference is checked against the production rules before its value
// is read.
import { randomBytes } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseProductionRules } from '@berth/core';
import { PostgresPreviewScopes, ResourceLedger, ScopedSecretStore } from '@berth/db';
import { AwsSecretReferences } from '@berth/providers';
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { seedEnvironment } from '../commands/commands.int-support.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { testDatabase } from '../replicate/shop-fixture.int-support.js';
import { PreviewSecrets } from './preview-secrets.js';

const prisma = testDatabase();
const masterKey = randomBytes(32);
const layers = new ScopedSecretStore(prisma, masterKey);
let aws: SecretsManagerEmulator;
let client: SecretsManagerClient;
let secrets: PreviewSecrets;

async function environment(): Promise<EnvironmentWithRepository> {
  const { env } = await seedEnvironment(prisma);
  return prisma.environment.findUniqueOrThrow({
    where: { id: env.id },
    include: { repository: true },
  });
}

beforeAll(async () => {
  aws = await startSecretsManagerEmulator({ region: 'eu-west-1' });
  client = new SecretsManagerClient({
    endpoint: aws.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  aws.seedSecret('shop/stripe-test', JSON.stringify({ key: 'rk_test_123456789' }), {
    region: 'eu-west-1',
  });
  aws.seedSecret('prod/db', 'live-password-123456', { region: 'eu-west-1' });
  secrets = new PreviewSecrets({
    scopes: new PostgresPreviewScopes(prisma, masterKey),
    ledger: new ResourceLedger(prisma),
    layers,
    references: new AwsSecretReferences(client),
    rules: parseProductionRules({ prefixes: 'prod/', names: 'stripe_live' }),
    prefix: 'berth/preview',
  });
});

afterAll(async () => {
  client?.destroy();
  await aws?.close();
  await prisma.$disconnect();
});

describe('PreviewSecrets', () => {
  it('takes the pull request over the repository over the installation, and keeps to its repository', async () => {
    const env = await environment();
    const other = await environment();
    const repository = env.repository.fullName;
    const target = { repository, prNumber: env.prNumber };
    // `acme`'s installation layer is shared by every spec's repositories: gone whatever happens.
    onTestFinished(async () => {
      await prisma.secret.deleteMany({ where: { scope: 'installation:acme' } });
    });
    await layers.set('installation', target, 'api_key', { value: 'from-installation' });
    await layers.set('installation', target, 'sentry', { value: 'dsn-installation' });
    await layers.set('repository', target, 'api_key', { value: 'from-repository' });
    await layers.set('pull_request', target, 'api_key', { value: 'from-the-pr' });
    await layers.set('repository', target, 'stripe', { reference: 'shop/stripe-test#key' });

    const got = await secrets.materialise({
      environment: env,
      names: ['api_key', 'sentry', 'stripe', 'db_password'],
      layersAllowed: true,
    });
    expect(got.values).toMatchObject({
      api_key: 'from-the-pr',
      sentry: 'dsn-installation',
      stripe: 'rk_test_123456789',
    });
    expect(got.generated).toEqual(['db_password']);
    expect(got.fromLayers).toEqual([
      { name: 'api_key', layer: 'pull_request' },
      { name: 'sentry', layer: 'installation' },
      { name: 'stripe', layer: 'repository' },
    ]);

    // Another repository of the same owner: the installation layer only.
    const theirs = await secrets.materialise({
      environment: other,
      names: ['api_key', 'stripe'],
      layersAllowed: true,
    });
    expect(theirs.values['api_key']).toBe('from-installation');
    expect(theirs.generated).toEqual(['stripe']);
  });

  it('changes nothing when run again: one scope, one ledger row, the same generated values', async () => {
    const env = await environment();
    const first = await secrets.materialise({
      environment: env,
      names: ['db_password'],
      layersAllowed: true,
    });
    const again = await secrets.materialise({
      environment: { ...env, generation: env.generation + 1 },
      names: ['db_password'],
      layersAllowed: true,
    });
    expect(again.values).toEqual(first.values);
    expect(again.reused).toEqual(['db_password']);
    expect(again.scope).toBe(first.scope);
    const rows = await prisma.resource.findMany({ where: { environmentId: env.id } });
    expect(rows).toMatchObject([{ kind: 'secret', provider: 'secrets_local', state: 'created' }]);
  });

  it('keeps no scope for a preview that asks for no secret', async () => {
    const env = await environment();
    const none = await secrets.materialise({ environment: env, names: [], layersAllowed: true });
    expect(none).toMatchObject({ values: {}, scope: '' });
    expect(await prisma.resource.count({ where: { environmentId: env.id } })).toBe(0);
    expect(await secrets.read(env)).toBeUndefined();
  });

  it('refuses production by prefix and by name, reading nothing, and names a missing reference', async () => {
    const env = await environment();
    const target = { repository: env.repository.fullName };
    const run = (names: string[]) =>
      secrets.materialise({ environment: env, names, layersAllowed: true });

    await layers.set('repository', target, 'db_url', { reference: 'prod/db' });
    aws.clearRequests();
    await expect(run(['db_url'])).rejects.toThrow(
      'secret db_url (repository layer) refers to prod/db, a production secret (its name starts with "prod/" (PRODUCTION_SECRET_PREFIXES))',
    );
    expect(aws.requestLog.map((e) => e.operation)).toEqual(['DescribeSecret']);

    await layers.set('repository', target, 'stripe_live', { value: 'rk_live_987654321' });
    await expect(run(['stripe_live'])).rejects.toThrow(/PRODUCTION_SECRET_NAMES/);

    await layers.set('repository', target, 'gone', { reference: 'shop/nope' });
    await expect(run(['gone'])).rejects.toThrow(
      /secret gone \(repository layer\): the Secrets Manager secret shop\/nope does not exist: create it/,
    );
  });
});
