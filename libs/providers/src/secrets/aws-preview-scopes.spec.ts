// AwsPreviewScopes' inventory through the official SDK client against the Secrets Manager
// emulator (JSON 1.1 on loopback): the reconciler's listing of what Berth holds there.
import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsPreviewScopes } from './aws-preview-scopes.js';

let sm: SecretsManagerEmulator;
let client: SecretsManagerClient;

beforeAll(async () => {
  sm = await startSecretsManagerEmulator();
  client = new SecretsManagerClient({
    endpoint: sm.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client.destroy();
  await sm.close();
});

describe('AwsPreviewScopes.inventory', () => {
  it('lists every scope under its tag and prefix across pages, and nothing unmarked', async () => {
    const scopes = new AwsPreviewScopes(client);
    const environmentId = randomUUID();
    const names: string[] = [];
    for (let pr = 1; pr <= 130; pr++) {
      const name = `berth/preview/acme/shop/pr-${pr}/g1`;
      await scopes.write({ name, environmentId, repository: 'acme/shop' }, { A: 'x' });
      names.push(name);
    }
    // Another installation's prefix, and look-alikes under this one.
    await scopes.write(
      { name: 'other/preview/acme/shop/pr-1/g1', environmentId, repository: 'acme/shop' },
      { A: 'x' },
    );
    for (const [i, Tags] of [
      [],
      [{ Key: 'berth:managed-by', Value: 'true' }],
      [{ Key: 'berth:managed', Value: 'false' }],
    ].entries()) {
      await client.send(
        new CreateSecretCommand({
          Name: `berth/preview/look-${i}`,
          SecretString: '{}',
          Tags,
        }),
      );
    }
    await client.send(new DeleteSecretCommand({ SecretId: names[0], RecoveryWindowInDays: 7 }));
    sm.clearRequests();

    const items = await scopes.inventory({ namePrefix: 'berth/preview/' });
    expect(items.map((i) => i.name).sort()).toEqual([...names].sort());
    expect(items.find((i) => i.name === names[0])?.deleting).toBe(true);
    expect(items.find((i) => i.name === names[1])).toMatchObject({
      environmentId,
      repository: 'acme/shop',
      deleting: false,
      createdAt: expect.any(Date),
      changedAt: expect.any(Date),
    });
    // Filtered by Secrets Manager itself, 100 a page.
    const lists = sm.requestLog.filter((r) => r.operation === 'ListSecrets');
    expect(lists).toHaveLength(2);

    const all = await scopes.inventory();
    expect(all).toHaveLength(131);
  });
});
