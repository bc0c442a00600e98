// Reading and writing secret values: CreateSecret, GetSecretValue, PutSecretValue, UpdateSecret.
import {
  readToken,
  readValue,
  requireActive,
  sameValue,
  startOfUtcDay,
  validateName,
  type SecretsContext,
  type SecretsOperation,
} from './context.js';
import {
  invalidParameter,
  invalidRequest,
  markedForDeletion,
  nameScheduledForDeletion,
  secretExists,
  secretValueNotFound,
  versionExists,
  versionNotFound,
} from './errors.js';
import type { Input } from './input.js';
import type { JsonObject } from './protocol.js';
import { secretValueJson } from './shapes.js';
import { addVersion, AWSCURRENT, versionWithStage, type SecretRecord } from './state.js';

const createSecret: SecretsOperation = (ctx, input) => {
  const name = input.string('Name');
  validateName(name);
  const existing = ctx.store.find(name);
  if (existing) throw existing.deletedAt ? nameScheduledForDeletion() : secretExists(name);
  const value = readValue(input);
  const token = readToken(input);
  const record = ctx.store.create({
    name,
    description: input.optionalString('Description'),
    kmsKeyId: input.optionalString('KmsKeyId'),
    tags: input.optionalTags('Tags') ?? [],
  });
  // Without a value there is no version yet (GetSecretValue then finds no AWSCURRENT).
  const version = value
    ? addVersion(record, { id: token, ...value }, [AWSCURRENT], record.created)
    : undefined;
  return { ARN: record.arn, Name: record.name, ...(version ? { VersionId: version.id } : {}) };
};

const getSecretValue: SecretsOperation = (ctx, input) => {
  const record = ctx.store.require(input.string('SecretId'));
  if (record.deletedAt) throw markedForDeletion();
  const versionId = input.optionalString('VersionId');
  const stage = input.optionalString('VersionStage');
  let version;
  if (versionId !== undefined) {
    version = record.versions.get(versionId);
    if (!version) throw versionNotFound(versionId);
    if (stage !== undefined && !version.stages.includes(stage)) {
      throw invalidParameter(
        'You provided a VersionStage that is not associated to the provided VersionId.',
      );
    }
  } else {
    version = versionWithStage(record, stage ?? AWSCURRENT);
    if (!version) throw secretValueNotFound(stage ?? AWSCURRENT);
  }
  record.lastAccessed = startOfUtcDay(ctx.store.now());
  return secretValueJson(record, version);
};

/** A new version, or the existing one when the token was already used with the same value. */
function writeVersion(
  ctx: SecretsContext,
  record: SecretRecord,
  input: Input,
  stages: string[],
): { id: string; stages: string[] } {
  const value = readValue(input);
  if (!value) throw invalidRequest('You must provide either SecretString or SecretBinary.');
  const token = readToken(input);
  const existing = record.versions.get(token);
  if (existing) {
    // Idempotent retry of the same request; a different value under the same id is refused.
    if (!sameValue(existing, value)) throw versionExists();
    return existing;
  }
  return addVersion(record, { id: token, ...value }, stages, new Date(ctx.store.now()));
}

const putSecretValue: SecretsOperation = (ctx, input) => {
  const record = requireActive(ctx, input.string('SecretId'));
  const stages = input.optionalStringList('VersionStages') ?? [AWSCURRENT];
  const version = writeVersion(ctx, record, input, stages);
  return {
    ARN: record.arn,
    Name: record.name,
    VersionId: version.id,
    VersionStages: [...version.stages],
  };
};

const updateSecret: SecretsOperation = (ctx, input) => {
  const record = requireActive(ctx, input.string('SecretId'));
  const description = input.optionalString('Description');
  const kmsKeyId = input.optionalString('KmsKeyId');
  if (description !== undefined) record.description = description;
  if (kmsKeyId !== undefined) record.kmsKeyId = kmsKeyId;
  const hasValue = input.has('SecretString') || input.has('SecretBinary');
  const version = hasValue ? writeVersion(ctx, record, input, [AWSCURRENT]) : undefined;
  record.lastChanged = new Date(ctx.store.now());
  const out: JsonObject = { ARN: record.arn, Name: record.name };
  if (version) out.VersionId = version.id;
  return out;
};

export const valueOperations: Record<string, SecretsOperation> = {
  CreateSecret: createSecret,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecret: updateSecret,
};
