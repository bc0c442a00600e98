// Listing: ListSecrets (filters, sorting, MaxResults/NextToken pages) and BatchGetSecretValue.
import type { SecretsOperation } from './context.js';
import { invalidNextToken, invalidParameter, validationError } from './errors.js';
import { matchesFilters, validateFilters } from './filters.js';
import type { JsonObject } from './protocol.js';
import { secretListEntryJson, secretValueJson } from './shapes.js';
import { currentVersion, type SecretRecord } from './state.js';

/** NextToken is opaque to callers; here it is the offset of the next page. */
const encodeToken = (offset: number): string =>
  Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      offset?: unknown;
    };
    if (
      typeof parsed.offset === 'number' &&
      Number.isInteger(parsed.offset) &&
      parsed.offset >= 0
    ) {
      return parsed.offset;
    }
  } catch {
    // fall through: not one of ours
  }
  throw invalidNextToken();
}

function page<T>(
  items: T[],
  token: string | undefined,
  max: number,
): { items: T[]; next?: string } {
  const offset = decodeToken(token);
  const end = offset + max;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { next: encodeToken(end) } : {}),
  };
}

const SORT_BY: Record<string, (r: SecretRecord) => number | string> = {
  'created-date': (r) => r.created.getTime(),
  'last-changed-date': (r) => r.lastChanged.getTime(),
  'last-accessed-date': (r) => r.lastAccessed?.getTime() ?? 0,
  name: (r) => r.name,
};

function sortRecords(records: SecretRecord[], sortBy: string, order: string): SecretRecord[] {
  const key = SORT_BY[sortBy];
  if (!key) {
    throw validationError(
      `Value '${sortBy}' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [${Object.keys(SORT_BY).join(', ')}]`,
    );
  }
  if (order !== 'asc' && order !== 'desc') {
    throw validationError(
      `Value '${order}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]`,
    );
  }
  // Stable sort over creation order, so ties keep a deterministic order.
  const sorted = [...records].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return order === 'desc' ? sorted.reverse() : sorted;
}

const listSecrets: SecretsOperation = (ctx, input) => {
  const includePlanned = input.optionalBoolean('IncludePlannedDeletion') ?? false;
  const max = input.optionalInteger('MaxResults', 1, 100) ?? 100;
  const filters = input.optionalFilters('Filters') ?? [];
  validateFilters(filters);
  const records = ctx.store
    .all()
    .filter((r) => includePlanned || !r.deletedAt)
    .filter((r) => matchesFilters(r, filters));
  const sorted = sortRecords(
    records,
    input.optionalString('SortBy') ?? 'created-date',
    input.optionalString('SortOrder') ?? 'asc',
  );
  const result = page(sorted, input.optionalString('NextToken'), max);
  return {
    SecretList: result.items.map(secretListEntryJson),
    ...(result.next ? { NextToken: result.next } : {}),
  };
};

const batchGetSecretValue: SecretsOperation = (ctx, input) => {
  const ids = input.optionalStringList('SecretIdList');
  const filters = input.optionalFilters('Filters');
  if ((ids === undefined) === (filters === undefined)) {
    throw invalidParameter('You must provide either SecretIdList or Filters, but not both.');
  }
  const values: JsonObject[] = [];
  const errors: JsonObject[] = [];
  if (ids) {
    if (ids.length < 1 || ids.length > 20) {
      throw validationError(
        "Value at 'secretIdList' failed to satisfy constraint: Member must have length between 1 and 20",
      );
    }
    for (const id of ids) {
      const record = ctx.store.find(id);
      const version = record && !record.deletedAt ? currentVersion(record) : undefined;
      if (record && version) values.push(secretValueJson(record, version));
      else
        errors.push({
          SecretId: id,
          ErrorCode: record?.deletedAt ? 'InvalidRequestException' : 'ResourceNotFoundException',
          Message: record?.deletedAt
            ? "You can't perform this operation on the secret because it was marked for deletion."
            : "Secrets Manager can't find the specified secret.",
        });
    }
    return { SecretValues: values, Errors: errors };
  }
  validateFilters(filters ?? []);
  const max = input.optionalInteger('MaxResults', 1, 20) ?? 20;
  const matching = ctx.store
    .all()
    .filter((r) => !r.deletedAt && matchesFilters(r, filters ?? []))
    .flatMap((r) => {
      const version = currentVersion(r);
      return version ? [secretValueJson(r, version)] : [];
    });
  const result = page(matching, input.optionalString('NextToken'), max);
  return {
    SecretValues: result.items,
    Errors: errors,
    ...(result.next ? { NextToken: result.next } : {}),
  };
};

export const listOperations: Record<string, SecretsOperation> = {
  ListSecrets: listSecrets,
  BatchGetSecretValue: batchGetSecretValue,
};
