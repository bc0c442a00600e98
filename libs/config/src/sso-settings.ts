import { z } from 'zod';
import { httpUrl, masterKey, positiveInt, secret } from './fields.js';
import { previousMasterKeys } from './secret-settings.js';

// The gateway's sign-in host (decision 0014): GitHub sign-in through the GitHub App's OAuth
// client, and any OIDC provider. Who may enter which repository's previews is per-repository
// operator policy (`berth repo set --sso-…`); these say only how people sign in.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const ssoSettings = {
  GITHUB_API_URL: httpUrl('e.g. https://api.github.com').default('https://api.github.com'),
  GITHUB_APP_ID: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .optional()
    .describe('the GitHub App ID; overrides the App stored by /setup/github'),
  GITHUB_APP_PRIVATE_KEY: secret(64, 'the GitHub App private key (PEM); overrides the stored App')
    .transform((pem) => pem.replace(/\\n/g, '\n'))
    .optional(),
  GITHUB_APP_CLIENT_ID: z
    .string()
    .trim()
    .min(1, 'is required')
    .optional()
    .describe("the GitHub App's OAuth client ID (App settings page); overrides the stored App"),
  GITHUB_APP_CLIENT_SECRET: secret(
    16,
    "a client secret generated on the GitHub App's settings page; overrides the stored App",
  ).optional(),
  BERTH_MASTER_KEY: masterKey(),
  BERTH_MASTER_KEY_PREVIOUS: previousMasterKeys(),
  OIDC_ISSUER: httpUrl(
    'the OIDC issuer URL (discovery at /.well-known/openid-configuration), e.g. https://accounts.google.com; https unless on loopback',
  )
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || LOOPBACK.has(url.hostname);
    }, 'must be an https:// URL (plain http only on loopback, for tests)')
    .optional(),
  OIDC_CLIENT_ID: z
    .string()
    .trim()
    .min(1, 'is required')
    .optional()
    .describe('the client ID registered at the OIDC provider for https://auth.<BASE_DOMAIN>'),
  OIDC_CLIENT_SECRET: secret(8, "the OIDC client's secret").optional(),
  OIDC_NAME: z
    .string()
    .trim()
    .min(1)
    .default('single sign-on')
    .describe(
      'what the sign-in page calls the OIDC provider, e.g. "Okta"; default "single sign-on"',
    ),
  SSO_SESSION_TTL_HOURS: positiveInt(
    12,
    'hours a sign-in lasts (the sign-in host and every preview it opens); default 12',
  ),
};

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
}

/**
 * The OIDC provider, or undefined when none is configured. Issuer, client id and secret come
 * together: one without the others is a mistake, named with how to fix it.
 */
export function oidcSettingsOf(config: {
  OIDC_ISSUER?: string | undefined;
  OIDC_CLIENT_ID?: string | undefined;
  OIDC_CLIENT_SECRET?: string | undefined;
  OIDC_NAME: string;
}): OidcSettings | undefined {
  const {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
  } = config;
  if (issuer === undefined && clientId === undefined && clientSecret === undefined)
    return undefined;
  if (issuer === undefined || clientId === undefined || clientSecret === undefined) {
    const missing = [
      ...(issuer === undefined ? ['OIDC_ISSUER'] : []),
      ...(clientId === undefined ? ['OIDC_CLIENT_ID'] : []),
      ...(clientSecret === undefined ? ['OIDC_CLIENT_SECRET'] : []),
    ];
    throw new Error(
      `${missing.join(' and ')} must be set too: OIDC sign-in needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (or none of them)`,
    );
  }
  return { issuer, clientId, clientSecret, name: config.OIDC_NAME };
}
