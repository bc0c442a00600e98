// ListSecrets / BatchGetSecretValue filters, as the Filter reference describes them: prefix
// matches (case-sensitive except description and all), `!` negates, values of one filter OR,
// filters AND.
import { validationError } from './errors.js';
import type { Filter } from './input.js';
import type { SecretRecord } from './state.js';

const KEYS = [
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
] as const;
type FilterKey = (typeof KEYS)[number];

const VALUE = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

export function validateFilters(filters: Filter[]): void {
  filters.forEach((filter, i) => {
    const at = `filters.${i + 1}.member`;
    if (!(KEYS as readonly string[]).includes(filter.Key)) {
      throw validationError(
        `Value '${filter.Key}' at '${at}.key' failed to satisfy constraint: Member must satisfy enum value set: [${KEYS.join(', ')}]`,
      );
    }
    if (filter.Values.length < 1 || filter.Values.length > 10) {
      throw validationError(
        `Value at '${at}.values' failed to satisfy constraint: Member must have length between 1 and 10`,
      );
    }
    for (const value of filter.Values) {
      if (value.length > 512 || !VALUE.test(value)) {
        throw validationError(
          `Value '${value}' at '${at}.values' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$`,
        );
      }
    }
  });
}

export function matchesFilters(record: SecretRecord, filters: Filter[]): boolean {
  return filters.every((filter) => matchesFilter(record, filter));
}

function matchesFilter(record: SecretRecord, filter: Filter): boolean {
  const positive = filter.Values.filter((v) => !v.startsWith('!'));
  const negated = filter.Values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  const key = filter.Key as FilterKey;
  const hit = (term: string): boolean => matchesTerm(record, key, term);
  return (positive.length === 0 || positive.some(hit)) && !negated.some(hit);
}

function matchesTerm(record: SecretRecord, key: FilterKey, term: string): boolean {
  switch (key) {
    case 'name':
      return record.name.startsWith(term);
    case 'description':
      return (record.description ?? '').toLowerCase().startsWith(term.toLowerCase());
    case 'tag-key':
      return record.tags.some((t) => t.Key.startsWith(term));
    case 'tag-value':
      return record.tags.some((t) => t.Value.startsWith(term));
    case 'primary-region':
    case 'owning-service':
      // Only replicated / service-managed secrets have these; the emulator makes neither.
      return false;
    case 'all':
      return matchesAll(record, term);
  }
}

/** `all`: every word of the value must prefix-match (any case) a word of some attribute. */
function matchesAll(record: SecretRecord, term: string): boolean {
  const attributes = [
    record.name,
    record.description ?? '',
    ...record.tags.flatMap((t) => [t.Key, t.Value]),
  ].map((a) => a.toLowerCase());
  const words = attributes.flatMap((a) => [a, ...a.split(/[^a-z0-9]+/)]).filter(Boolean);
  return term
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => words.some((w) => w.startsWith(word)));
}
