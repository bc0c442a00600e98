import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  paginateListSecrets,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { PreviewScopeInventoryItem, PreviewScopeRef, PreviewScopes } from '@berth/core';

/** Tags every PR scope carries: how the reconciler and an operator's IAM policy recognise them. */
export const TAG_MANAGED = 'berth:managed';
export const TAG_ENVIRONMENT = 'berth:environment';
export const TAG_REPOSITORY = 'berth:repository';

/**
 * PR scopes in AWS Secrets Manager (SECRET_BACKEND=aws): one secret per environment, its values as
 * one JSON object (Secrets Manager's own convention for several key/value pairs), under a
 * deterministic name that carries the incarnation (previewSecretName), tagged with its owner.
 * The client is the caller's: its region, credentials and endpoint come from the SDK's standard
 * settings (AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER, …), so any compatible endpoint works.
 */
export class AwsPreviewScopes implements PreviewScopes {
  readonly provider = 'secrets_aws' as const;

  constructor(private readonly client: SecretsManagerClient) {}

  async read(ref: PreviewScopeRef): Promise<Record<string, string> | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: ref.name }));
      return parseScope(ref.name, out.SecretString);
    } catch (error) {
      // Gone, or on its way out (deleted asynchronously): either way it holds nothing to reuse.
      if (error instanceof ResourceNotFoundException || isScheduledForDeletion(error)) {
        return undefined;
      }
      throw error;
    }
  }

  async write(ref: PreviewScopeRef, values: Readonly<Record<string, string>>): Promise<string> {
    const SecretString = JSON.stringify(values);
    try {
      const created = await this.client.send(
        new CreateSecretCommand({
          Name: ref.name,
          SecretString,
          Description: `Berth preview secrets of ${ref.repository} (environment ${ref.environmentId}); deleted when the preview is torn down`,
          Tags: [
            { Key: TAG_MANAGED, Value: 'true' },
            { Key: TAG_ENVIRONMENT, Value: ref.environmentId },
            { Key: TAG_REPOSITORY, Value: ref.repository },
          ],
        }),
      );
      return required(created.ARN, ref.name);
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) {
        if (isScheduledForDeletion(error)) {
          throw new Error(
            `Secrets Manager still holds ${ref.name} scheduled for deletion; the stage retries once AWS has deleted it`,
          );
        }
        throw error;
      }
    }
    // A retried stage, or a later generation: same secret, new version.
    const put = await this.client.send(
      new PutSecretValueCommand({ SecretId: ref.name, SecretString }),
    );
    return required(put.ARN, ref.name);
  }

  async remove(name: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException || isScheduledForDeletion(error)) return;
      throw error;
    }
  }

  /**
   * ListSecrets filtered server-side by the managed tag's key (and the name prefix), every page,
   * secrets scheduled for deletion included (flagged `deleting`), each with its creation and
   * last-change dates. Filters are prefix matches: the exact tag is checked here.
   */
  async inventory(options: { namePrefix?: string } = {}): Promise<PreviewScopeInventoryItem[]> {
    const items: PreviewScopeInventoryItem[] = [];
    const pages = paginateListSecrets(
      { client: this.client },
      {
        Filters: [
          { Key: 'tag-key', Values: [TAG_MANAGED] },
          ...(options.namePrefix ? [{ Key: 'name' as const, Values: [options.namePrefix] }] : []),
        ],
        IncludePlannedDeletion: true,
        MaxResults: 100,
      },
    );
    for await (const page of pages) {
      for (const secret of page.SecretList ?? []) {
        if (!secret.Name || !secret.ARN) continue;
        const tag = (key: string) => secret.Tags?.find((t) => t.Key === key)?.Value;
        // The tag-key filter is a prefix match (`berth:managed-by` would pass): exact ones only.
        if (tag(TAG_MANAGED) !== 'true') continue;
        if (options.namePrefix && !secret.Name.startsWith(options.namePrefix)) continue;
        const environmentId = tag(TAG_ENVIRONMENT);
        const repository = tag(TAG_REPOSITORY);
        items.push({
          name: secret.Name,
          providerId: secret.ARN,
          ...(environmentId ? { environmentId } : {}),
          ...(repository ? { repository } : {}),
          deleting: secret.DeletedDate !== undefined,
          ...(secret.CreatedDate ? { createdAt: secret.CreatedDate } : {}),
          ...(secret.LastChangedDate ? { changedAt: secret.LastChangedDate } : {}),
        });
      }
    }
    return items;
  }
}

/** AWS answers InvalidRequestException for a secret marked for deletion (create, get, put). */
export function isScheduledForDeletion(error: unknown): boolean {
  return (
    error instanceof InvalidRequestException &&
    /scheduled for deletion|marked for deletion/i.test(error.message)
  );
}

function parseScope(name: string, text: string | undefined): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new Error(
      `Secrets Manager secret ${name} is not a JSON object of strings; Berth writes its PR scopes as one`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`Secrets Manager secret ${name} is not a JSON object of strings`);
  }
  return Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function required(arn: string | undefined, name: string): string {
  if (!arn) throw new Error(`Secrets Manager answered without an ARN for ${name}`);
  return arn;
}
