// The Secrets Manager emulator driven through the official SDK client, as our drivers use it.
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSecretsManagerEmulator, type SecretsManagerEmulator } from './index.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('Secrets Manager emulator', () => {
  let sm: SecretsManagerEmulator;
  let client: SecretsManagerClient;
  const clientWith = (maxAttempts?: number): SecretsManagerClient =>
    new SecretsManagerClient({
      endpoint: sm.url,
      region: 'eu-west-1',
      credentials,
      ...(maxAttempts ? { maxAttempts } : {}),
    });

  beforeEach(async () => {
    sm = await startSecretsManagerEmulator({ region: 'eu-west-1', forceDeleteDelayMs: 300 });
    client = clientWith();
  });
  afterEach(async () => {
    client.destroy();
    await sm.close();
  });

  it('creates, reads, versions and describes a secret', async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'berth/pr-42/db',
        SecretString: '{"password":"one"}',
        Description: 'PR 42 database',
        Tags: [{ Key: 'berth:pr', Value: '42' }],
      }),
    );
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:berth\/pr-42\/db-[A-Za-z0-9]{6}$/,
    );
    expect(created.Name).toBe('berth/pr-42/db');
    expect(created.VersionId).toBeDefined();

    const value = await client.send(new GetSecretValueCommand({ SecretId: 'berth/pr-42/db' }));
    expect(value).toMatchObject({
      ARN: created.ARN,
      Name: 'berth/pr-42/db',
      VersionId: created.VersionId,
      SecretString: '{"password":"one"}',
      VersionStages: ['AWSCURRENT'],
    });
    expect(value.CreatedDate).toBeInstanceOf(Date);

    const put = await client.send(
      new PutSecretValueCommand({ SecretId: created.ARN, SecretString: '{"password":"two"}' }),
    );
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(byArn.SecretString).toBe('{"password":"two"}');
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'berth/pr-42/db', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('{"password":"one"}');

    const described = await client.send(new DescribeSecretCommand({ SecretId: 'berth/pr-42/db' }));
    expect(described.Description).toBe('PR 42 database');
    expect(described.Tags).toEqual([{ Key: 'berth:pr', Value: '42' }]);
    expect(described.VersionIdsToStages).toEqual({
      [put.VersionId ?? '']: ['AWSCURRENT'],
      [created.VersionId ?? '']: ['AWSPREVIOUS'],
    });
    expect(described.DeletedDate).toBeUndefined();
    expect(sm.secret('berth/pr-42/db')?.value).toBe('{"password":"two"}');
  });

  it('answers the AWS errors as the SDK exception classes', async () => {
    await client.send(new CreateSecretCommand({ Name: 'dup', SecretString: 'x' }));
    const duplicate = await client
      .send(new CreateSecretCommand({ Name: 'dup', SecretString: 'y' }))
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ResourceExistsException);

    const missing = await client
      .send(new GetSecretValueCommand({ SecretId: 'nope' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as ResourceNotFoundException).message).toBe(
      "Secrets Manager can't find the specified secret.",
    );
    expect((missing as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
  });

  it('lists by tag with pagination and hides secrets scheduled for deletion', async () => {
    for (const pr of ['1', '2', '3']) {
      await client.send(
        new CreateSecretCommand({
          Name: `berth/pr-${pr}`,
          SecretString: pr,
          Tags: [{ Key: 'berth:repo', Value: 'acme/shop' }],
        }),
      );
    }
    await client.send(new CreateSecretCommand({ Name: 'other', SecretString: 'o' }));

    const first = await client.send(
      new ListSecretsCommand({
        MaxResults: 2,
        Filters: [{ Key: 'tag-key', Values: ['berth:repo'] }],
      }),
    );
    expect(first.SecretList?.map((s) => s.Name)).toEqual(['berth/pr-1', 'berth/pr-2']);
    expect(first.NextToken).toBeDefined();
    const second = await client.send(
      new ListSecretsCommand({
        MaxResults: 2,
        NextToken: first.NextToken,
        Filters: [{ Key: 'tag-key', Values: ['berth:repo'] }],
      }),
    );
    expect(second.SecretList?.map((s) => s.Name)).toEqual(['berth/pr-3']);
    expect(second.NextToken).toBeUndefined();
    expect(second.SecretList?.[0]?.Tags).toEqual([{ Key: 'berth:repo', Value: 'acme/shop' }]);

    const byValue = await client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'tag-value', Values: ['acme/shop'] },
          { Key: 'name', Values: ['!berth/pr-2'] },
        ],
      }),
    );
    expect(byValue.SecretList?.map((s) => s.Name)).toEqual(['berth/pr-1', 'berth/pr-3']);

    await client.send(new DeleteSecretCommand({ SecretId: 'berth/pr-1', RecoveryWindowInDays: 7 }));
    const visible = await client.send(new ListSecretsCommand({}));
    expect(visible.SecretList?.map((s) => s.Name)).not.toContain('berth/pr-1');
    const all = await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    const scheduled = all.SecretList?.find((s) => s.Name === 'berth/pr-1');
    expect(scheduled?.DeletedDate).toBeInstanceOf(Date);
  });

  it('force-deletes asynchronously: the name stays taken for a while', async () => {
    await client.send(new CreateSecretCommand({ Name: 'berth/pr-7', SecretString: 'v' }));
    const deleted = await client.send(
      new DeleteSecretCommand({ SecretId: 'berth/pr-7', ForceDeleteWithoutRecovery: true }),
    );
    expect(deleted.Name).toBe('berth/pr-7');
    expect(deleted.DeletionDate).toBeInstanceOf(Date);

    const recreate = await client
      .send(new CreateSecretCommand({ Name: 'berth/pr-7', SecretString: 'again' }))
      .catch((e: unknown) => e);
    expect(recreate).toBeInstanceOf(InvalidRequestException);
    expect((recreate as InvalidRequestException).message).toBe(
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
    const read = await client
      .send(new GetSecretValueCommand({ SecretId: 'berth/pr-7' }))
      .catch((e: unknown) => e);
    expect(read).toBeInstanceOf(InvalidRequestException);
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'berth/pr-7' }));
    expect(described.DeletedDate).toBeInstanceOf(Date);
    expect(sm.secrets().find((s) => s.name === 'berth/pr-7')?.deleted).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 350));
    const again = await client.send(
      new CreateSecretCommand({ Name: 'berth/pr-7', SecretString: 'again' }),
    );
    expect(again.Name).toBe('berth/pr-7');
    // A forced delete of a secret that is already gone succeeds (retries are safe).
    await client.send(
      new DeleteSecretCommand({ SecretId: 'never-existed', ForceDeleteWithoutRecovery: true }),
    );
  });

  it('restores a secret scheduled for deletion', async () => {
    await client.send(new CreateSecretCommand({ Name: 'keep', SecretString: 'k' }));
    await client.send(new DeleteSecretCommand({ SecretId: 'keep' }));
    await client.send(new RestoreSecretCommand({ SecretId: 'keep' }));
    const value = await client.send(new GetSecretValueCommand({ SecretId: 'keep' }));
    expect(value.SecretString).toBe('k');
  });

  it('tags and untags', async () => {
    const { ARN } = await client.send(
      new CreateSecretCommand({ Name: 't', SecretString: 'v', Tags: [{ Key: 'a', Value: '1' }] }),
    );
    await client.send(
      new TagResourceCommand({
        SecretId: ARN,
        Tags: [
          { Key: 'a', Value: '2' },
          { Key: 'b', Value: '3' },
        ],
      }),
    );
    await client.send(new UntagResourceCommand({ SecretId: 't', TagKeys: ['b'] }));
    expect(sm.secret('t')?.tags).toEqual({ a: '2' });
  });

  it('batch-gets values, reporting missing ones as errors', async () => {
    sm.seedSecret('s1', 'one');
    const answer = await client.send(
      new BatchGetSecretValueCommand({ SecretIdList: ['s1', 'missing'] }),
    );
    expect(answer.SecretValues?.map((v) => v.SecretString)).toEqual(['one']);
    expect(answer.Errors).toEqual([
      expect.objectContaining({ SecretId: 'missing', ErrorCode: 'ResourceNotFoundException' }),
    ]);
  });

  it('keeps regions apart, like AWS', async () => {
    await client.send(new CreateSecretCommand({ Name: 'regional', SecretString: 'eu' }));
    const us = new SecretsManagerClient({ endpoint: sm.url, region: 'us-east-1', credentials });
    const missing = await us
      .send(new GetSecretValueCommand({ SecretId: 'regional' }))
      .catch((e: unknown) => e);
    us.destroy();
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(sm.requestLog.at(-1)?.region).toBe('us-east-1');
    expect(sm.secrets('eu-west-1').map((s) => s.name)).toEqual(['regional']);
  });

  describe('faults', () => {
    it('an injected throttle is a throttling error the SDK retries', async () => {
      sm.seedSecret('hot', 'v');
      sm.faults.add('GetSecretValue', 'throttle');
      const retried = await client.send(new GetSecretValueCommand({ SecretId: 'hot' }));
      expect(retried.SecretString).toBe('v');
      expect(sm.requestLog.map((r) => r.errorCode)).toEqual(['ThrottlingException', undefined]);
      expect(retried.$metadata.attempts).toBe(2);

      const once = clientWith(1);
      sm.faults.add('GetSecretValue', 'throttle');
      const error = await once
        .send(new GetSecretValueCommand({ SecretId: 'hot' }))
        .catch((e: unknown) => e);
      once.destroy();
      expect(error).toBeInstanceOf(SecretsManagerServiceException);
      expect((error as SecretsManagerServiceException).name).toBe('ThrottlingException');
      expect((error as SecretsManagerServiceException).$metadata.httpStatusCode).toBe(400);
    });

    it('5xx faults and slow answers', async () => {
      sm.seedSecret('s', 'v');
      const once = clientWith(1);
      sm.faults.add('GetSecretValue', 503);
      const unavailable = await once
        .send(new GetSecretValueCommand({ SecretId: 's' }))
        .catch((e: unknown) => e);
      expect((unavailable as SecretsManagerServiceException).name).toBe('ServiceUnavailable');
      expect((unavailable as SecretsManagerServiceException).$metadata.httpStatusCode).toBe(503);

      sm.faults.add('*', { delayMs: 150 });
      const started = Date.now();
      const slow = await once.send(new GetSecretValueCommand({ SecretId: 's' }));
      once.destroy();
      expect(slow.SecretString).toBe('v');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('refuses unsigned requests', async () => {
      const response = await fetch(sm.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.ListSecrets',
        },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(await response.json()).toMatchObject({
        __type: 'MissingAuthenticationTokenException',
      });
    });
  });
});
