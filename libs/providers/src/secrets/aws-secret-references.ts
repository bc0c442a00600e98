import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { parseReference, type SecretIdentity, type SecretReferences } from '@berth/core';
import { isScheduledForDeletion } from './aws-preview-scopes.js';

/**
 * Operator entries that point at an existing Secrets Manager secret. The wire stage describes a
 * secret (name, ARN, tags) and checks the production rules before it ever asks for the value.
 */
export class AwsSecretReferences implements SecretReferences {
  constructor(private readonly client: SecretsManagerClient) {}

  async describe(reference: string): Promise<SecretIdentity> {
    const { secretId } = parseReference(reference);
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
      if (out.DeletedDate) throw missing(reference, 'is scheduled for deletion');
      return {
        name: out.Name ?? secretId,
        ...(out.ARN ? { arn: out.ARN } : {}),
        tags: (out.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' })),
      };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw missing(reference, 'does not exist');
      if (isScheduledForDeletion(error)) throw missing(reference, 'is scheduled for deletion');
      throw error;
    }
  }

  async value(reference: string): Promise<string> {
    const { secretId, jsonKey } = parseReference(reference);
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const text = out.SecretString;
    if (text === undefined) {
      throw new Error(
        `Secrets Manager secret ${secretId} holds binary data; Berth reads SecretString only`,
      );
    }
    if (jsonKey === undefined) return text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(
        `Secrets Manager secret ${secretId} is not JSON, so #${jsonKey} cannot be read from it`,
      );
    }
    const field = (parsed as Record<string, unknown> | null)?.[jsonKey];
    if (typeof field !== 'string') {
      throw new Error(`Secrets Manager secret ${secretId} has no string field "${jsonKey}"`);
    }
    return field;
  }
}

/** A reference that cannot resolve: the operator's to fix, so it names what and how. */
export class MissingSecretReferenceError extends Error {
  override readonly name = 'MissingSecretReferenceError';
}

function missing(reference: string, why: string): MissingSecretReferenceError {
  return new MissingSecretReferenceError(
    `the Secrets Manager secret ${reference} ${why}: create it, or point the entry elsewhere with \`berth secret set\``,
  );
}
