// JSON renderings of a secret, per the API reference's response shapes. Timestamps are epoch
// seconds (JSON numbers), as the JSON 1.1 protocol sends them.
import type { JsonObject } from './protocol.js';
import type { SecretRecord, SecretVersion } from './state.js';

export const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** Versions that still carry a staging label (the others are deprecated and not listed). */
function versionsToStages(record: SecretRecord): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const version of record.versions.values()) {
    if (version.stages.length > 0) out[version.id] = [...version.stages];
  }
  return out;
}

function common(record: SecretRecord): JsonObject {
  return {
    ARN: record.arn,
    Name: record.name,
    ...(record.description !== undefined ? { Description: record.description } : {}),
    ...(record.kmsKeyId !== undefined ? { KmsKeyId: record.kmsKeyId } : {}),
    LastChangedDate: epochSeconds(record.lastChanged),
    ...(record.lastAccessed ? { LastAccessedDate: epochSeconds(record.lastAccessed) } : {}),
    ...(record.deletedAt ? { DeletedDate: epochSeconds(record.deletedAt) } : {}),
    ...(record.tags.length > 0 ? { Tags: record.tags.map((t) => ({ ...t })) } : {}),
  };
}

/** DescribeSecret's response. */
export function describeSecretJson(record: SecretRecord): JsonObject {
  return {
    ...common(record),
    VersionIdsToStages: versionsToStages(record),
    CreatedDate: epochSeconds(record.created),
  };
}

/** A ListSecrets SecretList entry (same facts, `SecretVersionsToStages`). */
export function secretListEntryJson(record: SecretRecord): JsonObject {
  return {
    ...common(record),
    SecretVersionsToStages: versionsToStages(record),
    CreatedDate: epochSeconds(record.created),
  };
}

/** GetSecretValue's response, also a BatchGetSecretValue SecretValues entry. */
export function secretValueJson(record: SecretRecord, version: SecretVersion): JsonObject {
  return {
    ARN: record.arn,
    Name: record.name,
    VersionId: version.id,
    ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
    ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
    VersionStages: [...version.stages],
    CreatedDate: epochSeconds(version.created),
  };
}
