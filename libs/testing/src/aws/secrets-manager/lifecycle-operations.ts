// A secret's metadata and life: DescribeSecret, DeleteSecret, RestoreSecret, TagResource,
// UntagResource.
import { requireActive, type SecretsOperation } from './context.js';
import { invalidParameter, markedForDeletion, secretNotFound, validationError } from './errors.js';
import { describeSecretJson, epochSeconds } from './shapes.js';
import { dedupeTags } from './state.js';

const DAY_MS = 86_400_000;

const describeSecret: SecretsOperation = (ctx, input) =>
  // Works while scheduled for deletion: that is how callers see DeletedDate.
  describeSecretJson(ctx.store.require(input.string('SecretId')));

const deleteSecret: SecretsOperation = (ctx, input) => {
  const secretId = input.string('SecretId');
  const window = input.optionalInteger(
    'RecoveryWindowInDays',
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
  );
  const force = input.optionalBoolean('ForceDeleteWithoutRecovery') ?? false;
  if (force && window !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  if (window !== undefined && (window < 7 || window > 30)) {
    throw invalidParameter(
      'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
    );
  }
  const now = ctx.store.now();
  const record = ctx.store.find(secretId);
  if (!record) {
    // Documented: a forced delete of a missing secret does not answer ResourceNotFoundException,
    // so retries of a delete that went through succeed.
    if (!force) throw secretNotFound();
    return {
      ...(secretId.startsWith('arn:') ? { ARN: secretId } : { Name: secretId }),
      DeletionDate: epochSeconds(new Date(now)),
    };
  }
  if (record.deletedAt && !force) throw markedForDeletion();
  record.deletedAt ??= new Date(now);
  record.lastChanged = new Date(now);
  if (force) {
    // AWS deletes in the background: the name stays taken for a short while.
    record.deletionDate = new Date(now);
    record.purgeAt = now + ctx.forceDeleteDelayMs;
  } else {
    record.deletionDate = new Date(now + (window ?? 30) * DAY_MS);
    record.purgeAt = record.deletionDate.getTime();
  }
  return {
    ARN: record.arn,
    Name: record.name,
    DeletionDate: epochSeconds(record.deletionDate),
  };
};

const restoreSecret: SecretsOperation = (ctx, input) => {
  const record = ctx.store.require(input.string('SecretId'));
  record.deletedAt = undefined;
  record.deletionDate = undefined;
  record.purgeAt = undefined;
  record.lastChanged = new Date(ctx.store.now());
  return { ARN: record.arn, Name: record.name };
};

const tagResource: SecretsOperation = (ctx, input) => {
  const record = requireActive(ctx, input.string('SecretId'));
  const tags = input.optionalTags('Tags');
  if (!tags) {
    throw validationError(
      "Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  }
  record.tags = dedupeTags([...record.tags, ...tags]);
  record.lastChanged = new Date(ctx.store.now());
  return {};
};

const untagResource: SecretsOperation = (ctx, input) => {
  const record = requireActive(ctx, input.string('SecretId'));
  const keys = input.optionalStringList('TagKeys');
  if (!keys) {
    throw validationError(
      "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
    );
  }
  record.tags = record.tags.filter((t) => !keys.includes(t.Key));
  record.lastChanged = new Date(ctx.store.now());
  return {};
};

export const lifecycleOperations: Record<string, SecretsOperation> = {
  DescribeSecret: describeSecret,
  DeleteSecret: deleteSecret,
  RestoreSecret: restoreSecret,
  TagResource: tagResource,
  UntagResource: untagResource,
};
