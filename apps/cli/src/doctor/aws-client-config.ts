import type { CliEnv } from '../cli-context.js';

/**
 * The AWS SDK settings of the control plane (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>, static
 * keys), read from the environment the doctor was given rather than process.env, so the doctor
 * checks exactly the configuration it was handed. Unset keys fall back to the SDK's own chain.
 */
export function awsClientConfig(env: CliEnv, service: 'ROUTE_53' | 'SECRETS_MANAGER') {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`]?.trim() || env['AWS_ENDPOINT_URL']?.trim();
  const accessKeyId = env['AWS_ACCESS_KEY_ID']?.trim();
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY']?.trim();
  const sessionToken = env['AWS_SESSION_TOKEN']?.trim();
  return {
    region: env['AWS_REGION']?.trim() || env['AWS_DEFAULT_REGION']?.trim() || 'us-east-1',
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
  };
}

/** Where the SDK goes: the endpoint given, else AWS itself. */
export function awsWhere(env: CliEnv, service: 'ROUTE_53' | 'SECRETS_MANAGER'): string {
  return awsClientConfig(env, service).endpoint ?? 'AWS';
}
