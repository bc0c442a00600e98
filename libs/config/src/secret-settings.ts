import { z } from 'zod';
import { masterKey } from './fields.js';

// Where preview secrets are kept and what production looks like (issue 9, decision 0016). The
// AWS SDK reads its own standard settings (AWS_REGION, credentials, AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_SECRETS_MANAGER / _ROUTE_53): they are not repeated here.

/** A comma list, free text per entry (checked where it is parsed). */
const list = (hint: string) => z.string().trim().optional().describe(hint);

/** BERTH_MASTER_KEY_PREVIOUS: the keys a rotation is moving away from. */
export const previousMasterKeys = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      const keys: Buffer[] = [];
      for (const item of (value ?? '').split(',').filter((k) => k.trim() !== '')) {
        const parsed = masterKey().safeParse(item.trim());
        if (!parsed.success || !parsed.data) {
          ctx.addIssue({ code: 'custom', message: 'each key must be 32 bytes, base64-encoded' });
          return z.NEVER;
        }
        keys.push(parsed.data);
      }
      return keys;
    })
    .describe(
      'master keys being rotated out (comma list): still read, never written; drop them after ' +
        '`berth secret rotate-key` (docs/operations/master-key.md)',
    );

export const SECRET_BACKENDS = ['postgres', 'aws'] as const;

export const secretSettings = {
  SECRET_BACKEND: z
    .enum(SECRET_BACKENDS, { error: 'must be postgres or aws' })
    .default('postgres')
    .describe(
      "where each preview's secret scope is kept: postgres (Berth's table, sealed under " +
        'BERTH_MASTER_KEY) or aws (one Secrets Manager secret per preview); default postgres',
    ),
  PREVIEW_SECRET_PREFIX: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9/_+=.@-]{1,200}$/,
      'must be a Secrets Manager name prefix such as berth/preview',
    )
    .default('berth/preview')
    .describe('name prefix of preview secrets in Secrets Manager; default berth/preview'),
  BERTH_MASTER_KEY_PREVIOUS: previousMasterKeys(),
  PRODUCTION_SECRET_TAGS: list(
    'Secrets Manager tags that mark production secrets, e.g. environment=production; a preview ' +
      'referring to one fails its wire stage',
  ),
  PRODUCTION_SECRET_PREFIXES: list('secret name prefixes that mark production, e.g. prod/'),
  PRODUCTION_SECRET_NAMES: list('exact secret names (or ARNs) that are production'),
  PRODUCTION_HOSTS: list(
    'hosts a preview must never call, e.g. api.shop.com,*.prod.shop.com: a variable pointing at ' +
      'one fails the wire stage',
  ),
  STAGING_HOSTS: list(
    'hosts a preview should not call, e.g. *.staging.shop.com: shown as a warning in the PR',
  ),
};
