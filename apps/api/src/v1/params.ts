import {
  decodeCursor,
  isRepositoryFullName,
  PAGE_LIMIT_MAX,
  type PageCursor,
  parsePageLimit,
} from '@berth/core';
import { invalid, notFound } from './problem/problem.js';

// /api/v1's query and path parameters, checked with problem details that name the field.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A resource id: anything but a UUID cannot exist, so it is the same 404. */
export function idParam(id: string, what: string): string {
  if (!UUID.test(id)) throw notFound(`no ${what} with id ${id}`);
  return id;
}

export function limitParam(value: string | undefined): number {
  const limit = parsePageLimit(value);
  if (limit === null) {
    throw invalid('query.limit', `must be a whole number from 1 to ${PAGE_LIMIT_MAX}`);
  }
  return limit;
}

export function cursorParam(value: string | undefined): PageCursor | undefined {
  if (value === undefined || value === '') return undefined;
  const cursor = decodeCursor(value);
  if (!cursor) {
    throw invalid(
      'query.cursor',
      'is not a cursor this API handed out',
      'pass the `nextCursor` of the previous page unchanged, or leave it out for the first page',
    );
  }
  return cursor;
}

export function repositoryQuery(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isRepositoryFullName(value)) {
    throw invalid(
      'query.repository',
      `must be owner/name, e.g. acme/shop, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function oneOfQuery<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(`query.${field}`, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** `?wait=`: seconds to wait for a worker's answer, 0 to 60. */
export function waitQuery(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const seconds = Number(value);
  if (!/^\d{1,2}$/.test(value) || seconds > 60) {
    throw invalid('query.wait', 'must be a whole number of seconds from 0 to 60');
  }
  return seconds;
}
