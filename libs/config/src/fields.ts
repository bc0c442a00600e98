import { CIDR_FORM, normaliseCidr, parseCidr } from '@berth/core';
import { z } from 'zod';

// Each field carries its own fix-it hint (zod `description`) so error messages say how to fix it.

const PROTOCOLS = {
  postgres: ['postgres:', 'postgresql:'],
  redis: ['redis:', 'rediss:'],
  http: ['http:', 'https:'],
} as const;

function urlField(kind: keyof typeof PROTOCOLS, hint: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'is required')
    .refine(
      (value) => {
        try {
          return (PROTOCOLS[kind] as readonly string[]).includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a ${PROTOCOLS[kind].map((p) => `${p}//`).join(' or ')} URL`,
    )
    .describe(hint);
}

export const postgresUrl = () =>
  urlField('postgres', 'e.g. postgresql://berth:secret@127.0.0.1:5432/berth');
export const redisUrl = () => urlField('redis', 'e.g. redis://127.0.0.1:6379');
export const httpUrl = (hint: string) => urlField('http', hint);

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback)
    .describe(`a TCP port, default ${fallback}`);

export const host = (fallback: string) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .default(fallback)
    .describe(`interface to listen on, default ${fallback}`);

export const positiveInt = (fallback: number, hint: string) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .default(fallback)
    .describe(hint);

export const logLevel = () =>
  z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info')
    .describe('default info');

/** A secret: never logged (see secrets.ts), must be long enough to resist guessing. */
export const secret = (minLength: number, hint: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(minLength, `must be at least ${minLength} characters`)
    .describe(hint);

export const hostname = (fallback: string, hint: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
      'must be a DNS name such as previews.example.com',
    )
    .default(fallback)
    .describe(hint);

/** An IPv4 range in CIDR form; the message says what is wrong (host bits, IPv6, typo). */
export const ipv4Cidr = (fallback: string, hint: string) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      try {
        parseCidr(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .default(fallback)
    .describe(hint);

/**
 * BERTH_MASTER_KEY: 32 random bytes, base64. It seals every data key of the secret store, so a
 * wrong length is refused here rather than when the first secret is read.
 */
export const masterKey = () =>
  z
    .string()
    .trim()
    .refine(
      (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32,
      'must be 32 bytes, base64-encoded',
    )
    .transform((value) => Buffer.from(value, 'base64'))
    .optional()
    .describe(
      'seals the secrets Berth stores (GitHub App credentials); generate one with ' +
        '`openssl rand -base64 32`, keep it out of the database backups, never change it ' +
        'without re-sealing (docs/operations/master-key.md)',
    );

/** A comma list of names, e.g. ALLOWED_OWNERS=acme,octo. */
export const nameList = (hint: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9*._/,\s-]*$/, 'must be a comma-separated list of names')
    .optional()
    .describe(hint);

/**
 * A comma list of IPv4/IPv6 CIDRs (TRUSTED_PROXIES), normalised; every bad entry is named with
 * the form it should have. Empty or unset = none.
 */
export const cidrList = (hint: string) =>
  z
    .string()
    .trim()
    .default('')
    .transform((value, ctx) => {
      const entries = value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      const out: string[] = [];
      for (const entry of entries) {
        const cidr = normaliseCidr(entry);
        if (cidr === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(entry)} is not ${CIDR_FORM}, with the bits past the prefix zero`,
          });
        } else out.push(cidr);
      }
      return out;
    })
    .describe(hint);

/** `true`/`false` (also 1/0, yes/no), so a typo is an error rather than a silent `false`. */
export const flag = (fallback: boolean, hint: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .describe(hint);
