import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WorkerConfig } from '@berth/config';
import {
  MasterKeyring,
  parseHostRules,
  parseProductionRules,
  type PreviewScopes,
} from '@berth/core';
import {
  PostgresPreviewScopes,
  type PrismaClient,
  type ResourceLedger,
  ScopedSecretStore,
} from '@berth/db';
import { PreviewSecrets } from '@berth/lifecycle';
import { AwsPreviewScopes, AwsSecretReferences } from '@berth/providers';
import type { Logger } from 'pino';

/**
 * The worker's secret scope drivers (issue 9): the backend that new scopes go to, every driver
 * teardown may need (a scope is removed by the driver that wrote it), and the operator's layers.
 */
export function previewSecrets(
  config: WorkerConfig,
  prisma: PrismaClient,
  ledger: ResourceLedger,
  logger: Logger,
) {
  const ring = config.BERTH_MASTER_KEY
    ? new MasterKeyring(config.BERTH_MASTER_KEY, config.BERTH_MASTER_KEY_PREVIOUS)
    : undefined;
  // Region, credentials and endpoint: the SDK's own standard settings (AWS_REGION,
  // AWS_ENDPOINT_URL_SECRETS_MANAGER, …). Throttling is retried by the SDK with backoff.
  const secretsManager =
    config.SECRET_BACKEND === 'aws' ? new SecretsManagerClient({ maxAttempts: 8 }) : undefined;
  const drivers: Partial<Record<PreviewScopes['provider'], PreviewScopes>> = {
    ...(ring ? { secrets_local: new PostgresPreviewScopes(prisma, ring) } : {}),
    ...(secretsManager ? { secrets_aws: new AwsPreviewScopes(secretsManager) } : {}),
  };
  const scopes = secretsManager ? drivers.secrets_aws : drivers.secrets_local;
  // The config schema refuses postgres without a master key; this only narrows the type.
  if (!scopes)
    throw new Error('no secret scope driver: set BERTH_MASTER_KEY or SECRET_BACKEND=aws');
  if (!ring) {
    logger.warn(
      'BERTH_MASTER_KEY is unset: operator secret layers (berth secret set) are off; previews get generated values only',
    );
  }
  const secrets = new PreviewSecrets({
    scopes,
    ledger,
    ...(ring ? { layers: new ScopedSecretStore(prisma, ring) } : {}),
    ...(secretsManager ? { references: new AwsSecretReferences(secretsManager) } : {}),
    rules: parseProductionRules({
      ...(config.PRODUCTION_SECRET_TAGS ? { tags: config.PRODUCTION_SECRET_TAGS } : {}),
      ...(config.PRODUCTION_SECRET_PREFIXES ? { prefixes: config.PRODUCTION_SECRET_PREFIXES } : {}),
      ...(config.PRODUCTION_SECRET_NAMES ? { names: config.PRODUCTION_SECRET_NAMES } : {}),
    }),
    prefix: config.PREVIEW_SECRET_PREFIX,
  });
  return {
    secrets,
    drivers,
    ring,
    hostRules: parseHostRules({
      production: config.PRODUCTION_HOSTS,
      staging: config.STAGING_HOSTS,
    }),
    close: () => secretsManager?.destroy(),
  };
}
