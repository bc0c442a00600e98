import { shortHash } from './hash.js';

/** RFC 1035: a DNS label is at most 63 octets. Also Postgres' identifier limit (NAMEDATALEN-1). */
export const MAX_LABEL_LENGTH = 63;
const MAX_HOSTNAME_LENGTH = 253;
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Returns `name` when it fits in `max` chars; otherwise a prefix of it plus `-` and 8 hex chars
 * of sha256 of the *full* name, so two long names sharing a prefix never collide and the same
 * input always gives the same output. `separator` lets Postgres identifiers use `_`.
 */
export function fitName(name: string, max = MAX_LABEL_LENGTH, separator = '-'): string {
  if (max < 12) throw new RangeError(`fitName max must be at least 12, got ${max}`);
  if (name.length <= max) return name;
  const suffix = `${separator}${shortHash(name, 8)}`;
  const trimEnd = new RegExp(`[${separator === '-' ? '\\-' : separator}]+$`);
  const head = name.slice(0, max - suffix.length).replace(trimEnd, '');
  return `${head}${suffix}`;
}

export function isDnsLabel(label: string): boolean {
  return label.length <= MAX_LABEL_LENGTH && LABEL.test(label);
}

/**
 * Validates and normalizes (lowercase, no trailing dot) a base domain such as
 * `preview.example.com` or `localhost`. Throws naming the problem and how to fix it.
 */
export function normalizeBaseDomain(baseDomain: string): string {
  const domain = baseDomain.trim().toLowerCase().replace(/\.$/, '');
  const fix = 'use a DNS name like `preview.example.com` or `localhost` (no scheme, port or path)';
  if (domain === '') throw new Error(`base domain is empty: ${fix}`);
  if (/[:/@\s*]/.test(domain)) {
    throw new Error(`base domain \`${baseDomain}\` is not a plain DNS name: ${fix}`);
  }
  // Leaves room for the two 63-char preview labels (service, environment) and their dots.
  const max = MAX_HOSTNAME_LENGTH - 2 * (MAX_LABEL_LENGTH + 1);
  if (domain.length > max) {
    throw new Error(
      `base domain \`${baseDomain}\` is ${domain.length} chars; at most ${max} leaves room for the preview labels`,
    );
  }
  for (const label of domain.split('.')) {
    if (!isDnsLabel(label)) {
      throw new Error(
        `base domain \`${baseDomain}\` has an invalid label \`${label}\` (labels are 1-63 chars of a-z, 0-9 and inner dashes): ${fix}`,
      );
    }
  }
  return domain;
}
