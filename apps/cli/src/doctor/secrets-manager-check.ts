import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CliEnv } from '../cli-context.js';
import { awsClientConfig, awsWhere } from './aws-client-config.js';
import { type CheckResult, fail, ok, reason, skip, within, workerSetting } from './check.js';

/** With SECRET_BACKEND=aws: Secrets Manager answers a ListSecrets with these credentials. */
export async function checkSecretsManager(env: CliEnv): Promise<CheckResult> {
  let backend: string;
  try {
    backend = workerSetting(env, 'SECRET_BACKEND');
  } catch (error) {
    return fail('secrets-manager', reason(error), 'set SECRET_BACKEND=postgres or aws');
  }
  if (backend !== 'aws') return skip('secrets-manager', 'SECRET_BACKEND is not aws');
  const client = new SecretsManagerClient(awsClientConfig(env, 'SECRETS_MANAGER'));
  const where = awsWhere(env, 'SECRETS_MANAGER');
  try {
    await within(10_000, 'Secrets Manager', client.send(new ListSecretsCommand({ MaxResults: 1 })));
    return ok('secrets-manager', `answers at ${where}`);
  } catch (error) {
    return fail(
      'secrets-manager',
      `Secrets Manager at ${where} refused ListSecrets: ${reason(error)}`,
      'check AWS_REGION and the credentials (secretsmanager:ListSecrets, CreateSecret, PutSecretValue, DeleteSecret)',
    );
  } finally {
    client.destroy();
  }
}
