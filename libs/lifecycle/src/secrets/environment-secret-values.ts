// THE list of secret values Berth knows for one environment: what every PR-facing text (comment,
// check run, commit status, stored stage errors, API errors) is redacted with. New sources of
// secrets (the per-environment and per-repository secret scopes) are added here and nowhere else.

import { type RegistryAuth, secretValuesOf } from '@berth/core';
import { type PrismaClient, RevisionStore } from '@berth/db';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import type { PreviewSecrets } from './preview-secrets.js';

/** Where an environment's secrets come from besides its wirings; built once by the worker. */
export interface SecretSources {
  prisma: PrismaClient;
  /**
   * The operator variables (COMPOSE_VARIABLES_FILE) the environment's repository may read: the
   * ones with secret names are secrets, with any password written inside any of them.
   */
  operatorVariables?: (
    environment: EnvironmentWithRepository,
  ) => Promise<Readonly<Record<string, string>>>;
  /** The operator's registry credentials (REGISTRY_AUTH_FILE), which builds and pulls use. */
  registryAuth?: RegistryAuth;
  /** The environment's secret scope: every value it holds, generated or from a layer. */
  previewSecrets?: Pick<PreviewSecrets, 'read'>;
}

/**
 * Every secret value known for `environment`, for `redactSecrets` (@berth/core):
 * - every value of the environment's secret scope (generated, or from an operator layer);
 * - generated secrets and the secret-named or embedded credentials of every generation's wiring
 *   (the environment of every service, as the wire stage rendered it);
 * - the repository's secret-named operator variables;
 * - the registry credentials.
 * Unmasked short values are filtered by the masker, not here.
 */
export async function environmentSecretValues(
  sources: SecretSources,
  environment: EnvironmentWithRepository,
): Promise<string[]> {
  const revisions = new RevisionStore(sources.prisma);
  const [wirings, operatorVariables, scope] = await Promise.all([
    revisions.wiringsUpTo(environment.id, environment.generation),
    // A file that cannot be read now fails the wire stage with its own message; its values
    // cannot be known, and the rest still has to be masked.
    sources.operatorVariables?.(environment).catch(() => ({})),
    sources.previewSecrets?.read(environment),
  ]);
  return secretValuesOf({
    wirings,
    values: Object.values(scope ?? {}),
    ...(operatorVariables ? { operatorVariables } : {}),
    ...(sources.registryAuth ? { registryAuth: sources.registryAuth } : {}),
  });
}
