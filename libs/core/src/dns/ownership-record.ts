// The ownership proof next to every record Berth publishes. Route 53 records cannot be tagged, so
// (like external-dns) a TXT record names the owner; it sits at `_berth.<host>` because a TXT may
// not share its name with a CNAME.
import type { DnsOwner } from './dns-port.js';

export const OWNERSHIP_PREFIX = '_berth.';
const HERITAGE = 'berth';
/** RFC 1035: one TXT character-string holds at most 255 octets. */
const MAX_CHARACTER_STRING = 255;
/** What a field may hold: environment ids (UUIDs) and GitHub `owner/name` never need more. */
const FIELD = /^[A-Za-z0-9._/-]+$/;

/** Lowercase, no trailing dot: how hosts are compared and reported. */
export function normalizeDnsHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** `_berth.<host>`. */
export function ownershipName(host: string): string {
  return `${OWNERSHIP_PREFIX}${normalizeDnsHost(host)}`;
}

/** The host an ownership name guards, or undefined when `name` is not one. */
export function hostOfOwnershipName(name: string): string | undefined {
  const normalized = normalizeDnsHost(name);
  if (!normalized.startsWith(OWNERSHIP_PREFIX)) return undefined;
  const host = normalized.slice(OWNERSHIP_PREFIX.length);
  return host === '' ? undefined : host;
}

/**
 * The TXT value, quoted as DNS wants it:
 * `"heritage=berth,berth-environment=<id>,berth-repository=<owner/name>"`.
 */
export function ownershipValue(owner: DnsOwner): string {
  for (const [field, value] of Object.entries(owner)) {
    if (!FIELD.test(value)) {
      throw new RangeError(
        `DNS ownership ${field} \`${value}\` may hold only letters, digits and . _ / -`,
      );
    }
  }
  const content = `heritage=${HERITAGE},berth-environment=${owner.environmentId},berth-repository=${owner.repository}`;
  // Longer than one character-string: split, as resolvers join consecutive strings back.
  const chunks: string[] = [];
  for (let i = 0; i < content.length; i += MAX_CHARACTER_STRING) {
    chunks.push(`"${content.slice(i, i + MAX_CHARACTER_STRING)}"`);
  }
  return chunks.join(' ');
}

/**
 * Reads an ownership TXT value (one or more quoted strings, joined). Undefined when it is not
 * Berth's; fields it does not carry are left out.
 */
export function parseOwnershipValue(value: string): Partial<DnsOwner> | undefined {
  const strings = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(([, s]) => unescape(s ?? ''));
  const content = strings.length > 0 ? strings.join('') : value.trim();
  const fields = new Map<string, string>();
  for (const part of content.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  if (fields.get('heritage') !== HERITAGE) return undefined;
  const environmentId = fields.get('berth-environment');
  const repository = fields.get('berth-repository');
  return {
    ...(environmentId ? { environmentId } : {}),
    ...(repository ? { repository } : {}),
  };
}

/** TXT escapes: `\"`, `\\` and Route 53's three-digit octal `\ooo` (TXT record format). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3}|.)/g, (_m, escaped: string) =>
    /^[0-7]{3}$/.test(escaped) ? String.fromCharCode(parseInt(escaped, 8)) : escaped,
  );
}
