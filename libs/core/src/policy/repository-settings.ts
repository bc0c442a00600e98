import { z } from 'zod';
import { CIDR_FORM, normaliseCidr } from '../access/cidr.js';
import { IDLE_SLEEP_MAX_HOURS } from '../environment/sleep.js';
import { TTL_MAX_MS, TTL_MIN_MS } from '../labels/label-config.js';
import { normaliseSlackChannel, SLACK_CHANNEL_FORM } from './slack-channel.js';

// Operator-owned policy for one repository. It lives in the state store (set with `berth repo
// set`), never in the pull request: x-berth describes the app's shape, these its limits.

export const ACCESS_MODES = ['private', 'public'] as const;
export type AccessModeSetting = (typeof ACCESS_MODES)[number];
export const DB_MODES = ['fresh', 'branch', 'snapshot'] as const;
export type DbModeSetting = (typeof DB_MODES)[number];
/**
 * Ways into a private preview besides a Berth cookie (decision 0013); any one admits a request.
 * Share links need no mode: they work for every private repository.
 */
export const PREVIEW_ACCESS_MODES = ['sso', 'ip', 'token'] as const;
export type PreviewAccessMode = (typeof PREVIEW_ACCESS_MODES)[number];
/** Entries an IP allowlist may hold: checked per request, so kept short. */
export const IP_ALLOWLIST_MAX = 100;

/** Everything a stage may ask about a repository; unset columns are filled with the defaults. */
export interface RepositorySettings {
  /** "owner/name", lowercased. */
  fullName: string;
  /** False: the operator switched the repository off; nothing is built. */
  enabled: boolean;
  /** The compose file to load; undefined = discover it (compose.yaml, docker-compose.yml, …). */
  composePath?: string;
  /** The branch base images and data come from; undefined = the repository's default branch. */
  baseBranch?: string;
  /** `public`: no access control in front of the previews. The only source of public access. */
  accessMode: AccessModeSetting;
  defaultTtlHours?: number;
  /** Idle hours before its previews sleep (decision 0024); 0 = never; unset: IDLE_SLEEP_HOURS. */
  idleSleepHours?: number;
  defaultDbMode?: DbModeSetting;
  maxMemoryMb?: number;
  maxCpus?: number;
  maxPids?: number;
  maxServices?: number;
  /** COMPOSE_VARIABLES_FILE keys that reach this repository; none unless listed. */
  allowedVariables: string[];
  /** Enabled ways in besides cookies (sso, ip, token); none by default. */
  accessModes: PreviewAccessMode[];
  /** Canonical CIDRs the `ip` mode admits. */
  ipAllowlist: string[];
  /** SHA-256 hex of the `token` mode's bypass secret (never the secret itself). */
  bypassTokenHash?: string;
  /** SSO (decision 0014): members of this GitHub org get in besides repository readers. */
  ssoGithubOrg?: string;
  /** A team slug in ssoGithubOrg: then only that team's members (besides readers). */
  ssoGithubTeam?: string;
  /** OIDC sign-ins admitted by verified email, email domain, or group; absent = none. */
  ssoAllowedEmails?: string[];
  ssoAllowedDomains?: string[];
  ssoAllowedGroups?: string[];
  /** Fork PRs get the operator's secret layers too (after approval); default: generated only. */
  forkSecrets: boolean;
  /**
   * Secret scope names this repository's builds may mount (compose `build.secrets`, BuildKit;
   * decision 0037); absent = none, and a build that asks is refused.
   */
  buildSecrets?: string[];
  /** Slack channel for its previews' messages (decision 0028); unset: SLACK_CHANNEL. */
  slackChannel?: string;
  /** False when no row exists: every value above is a default. */
  stored: boolean;
}

export function defaultRepositorySettings(fullName: string): RepositorySettings {
  return {
    fullName: fullName.toLowerCase(),
    enabled: true,
    accessMode: 'private',
    allowedVariables: [],
    accessModes: [],
    ipAllowlist: [],
    forkSecrets: false,
    stored: false,
  };
}

const FULL_NAME = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const TEAM_SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** A list setting of at most `max` distinct, lowercased (unless `keepCase`) entries. */
const lowercasedList = (what: string, pattern: RegExp, example: string, max = 200) =>
  z
    .array(
      z
        .string({ error: `each entry must be ${what}` })
        .trim()
        .transform((value) => value.toLowerCase())
        .refine((value) => pattern.test(value), `each entry must be ${what}, such as ${example}`),
      { error: `must be a list of ${what}s` },
    )
    .max(max, `must list at most ${max} entries`)
    .transform((values) => [...new Set(values)]);
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A secret scope name, as `berth secret set` and compose `secrets:` accept it. */
const BUILD_SECRET_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function isRepositoryFullName(value: string): boolean {
  return FULL_NAME.test(value);
}

export function isGitHubLogin(value: string): boolean {
  return GITHUB_LOGIN.test(value);
}

/** A repository-relative path: no absolute paths, no `..`, no backslashes. */
const relativePath = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(400, 'must be at most 400 characters')
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'),
    'must be a path inside the repository, such as deploy/compose.yaml (no leading /, no ..)',
  );

const positive = (unit: string, max: number) =>
  z
    .number({ error: `must be a number (${unit})` })
    .positive(`must be greater than 0 (${unit})`)
    .max(max, `must be at most ${max} (${unit})`);

const whole = (unit: string, max: number) =>
  positive(unit, max).int(`must be a whole number (${unit})`);

// null clears a setting back to Berth's default; absent leaves it as it is.
const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** A change an operator asks for; every field optional, `null` = back to the default. */
export const repositorySettingsPatchSchema = z
  .object({
    enabled: z.boolean({ error: 'must be true or false' }).optional(),
    composePath: clearable(relativePath),
    baseBranch: clearable(
      z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(250, 'must be at most 250 characters')
        .regex(/^[^\s~^:?*[\\]+$/, 'must be a git branch name such as main'),
    ),
    accessMode: z.enum(ACCESS_MODES, { error: 'must be private or public' }).optional(),
    defaultTtlHours: clearable(
      whole('hours', TTL_MAX_MS / 3_600_000).min(
        Math.ceil(TTL_MIN_MS / 3_600_000),
        `must be at least ${Math.ceil(TTL_MIN_MS / 3_600_000)} (hours)`,
      ),
    ),
    idleSleepHours: clearable(
      z
        .number({ error: 'must be a number (hours)' })
        .int('must be a whole number (hours)')
        .min(0, 'must be 0 (never) or more (hours)')
        .max(IDLE_SLEEP_MAX_HOURS, `must be at most ${IDLE_SLEEP_MAX_HOURS} (hours)`),
    ),
    // `seed-from-production` is the older name of `snapshot`.
    defaultDbMode: clearable(
      z.preprocess(
        (v) => (v === 'seed-from-production' ? 'snapshot' : v),
        z.enum(DB_MODES, { error: `must be one of ${DB_MODES.join(', ')}` }),
      ),
    ),
    maxMemoryMb: clearable(whole('MiB', 1_048_576)),
    maxCpus: clearable(positive('CPUs', 1024)),
    maxPids: clearable(whole('processes', 4_194_304)),
    maxServices: clearable(whole('services', 1000)),
    allowedVariables: z
      .array(
        z
          .string({ error: 'each entry must be a variable name' })
          .regex(VARIABLE, 'each entry must be a variable name: letters, digits and _'),
        { error: 'must be a list of variable names' },
      )
      .max(500, 'must list at most 500 variables')
      .optional(),
    accessModes: z
      .array(
        z.enum(PREVIEW_ACCESS_MODES, {
          error: (issue) =>
            `${JSON.stringify(issue.input)} is not an access mode; valid: ${PREVIEW_ACCESS_MODES.join(', ')}`,
        }),
        { error: `must be a list of access modes (${PREVIEW_ACCESS_MODES.join(', ')})` },
      )
      .transform((modes) => PREVIEW_ACCESS_MODES.filter((mode) => modes.includes(mode)))
      .optional(),
    ipAllowlist: z
      .array(z.string({ error: `each entry must be ${CIDR_FORM}` }), {
        error: `must be a list of CIDRs, each ${CIDR_FORM}`,
      })
      .max(IP_ALLOWLIST_MAX, `must list at most ${IP_ALLOWLIST_MAX} CIDRs`)
      .transform((entries, ctx) => {
        const out: string[] = [];
        entries.forEach((entry, index) => {
          const cidr = normaliseCidr(entry);
          if (cidr === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [index],
              message: `${JSON.stringify(entry)} is not ${CIDR_FORM}, with the bits past the prefix zero`,
            });
          } else if (!out.includes(cidr)) {
            out.push(cidr);
          }
        });
        return out;
      })
      .optional(),
    ssoGithubOrg: clearable(
      z.string().trim().regex(GITHUB_LOGIN, 'must be a GitHub organisation login, such as acme'),
    ),
    ssoGithubTeam: clearable(
      z.string().trim().regex(TEAM_SLUG, "must be a team's slug as in its URL, such as qa-team"),
    ),
    ssoAllowedEmails: lowercasedList('an email address', EMAIL, 'ada@example.com').optional(),
    ssoAllowedDomains: lowercasedList('an email domain', DOMAIN, 'example.com').optional(),
    ssoAllowedGroups: z
      .array(
        z
          .string({ error: 'each entry must be a group name' })
          .trim()
          .min(1, 'each entry must be a non-empty group name')
          .max(200, 'each group name must be at most 200 characters'),
        { error: 'must be a list of group names (the OIDC groups claim)' },
      )
      .max(200, 'must list at most 200 entries')
      .transform((values) => [...new Set(values)])
      .optional(),
    forkSecrets: z.boolean({ error: 'must be true or false' }).optional(),
    buildSecrets: lowercasedList(
      'a secret scope name',
      BUILD_SECRET_NAME,
      'npm_token',
      50,
    ).optional(),
    slackChannel: clearable(
      z.string({ error: `must be ${SLACK_CHANNEL_FORM}` }).transform((value, ctx) => {
        const channel = normaliseSlackChannel(value);
        if (channel === undefined) {
          ctx.addIssue({ code: 'custom', message: `must be ${SLACK_CHANNEL_FORM}` });
          return z.NEVER;
        }
        return channel;
      }),
    ),
  })
  .strict();

export type RepositorySettingsPatch = z.infer<typeof repositorySettingsPatchSchema>;

export interface SettingsProblem {
  field: string;
  message: string;
}

/** Validates an operator's change; every problem names its field. */
export function parseRepositorySettingsPatch(
  input: unknown,
): { ok: true; patch: RepositorySettingsPatch } | { ok: false; problems: SettingsProblem[] } {
  const result = repositorySettingsPatchSchema.safeParse(input);
  if (result.success) return { ok: true, patch: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return {
          field: issue.keys.join(', '),
          message: `unknown setting; known: ${Object.keys(repositorySettingsPatchSchema.shape).join(', ')}`,
        };
      }
      return { field: issue.path.map(String).join('.') || '(body)', message: issue.message };
    }),
  };
}

/**
 * The operator variables one repository may read: only the allowed keys. COMPOSE_VARIABLES_FILE
 * holds values for every repository (registry credentials, image overrides); handing all of them
 * to every pull request's build args would leak one team's values to another's PRs.
 */
export function allowedVariables(
  all: Readonly<Record<string, string>>,
  settings: { allowedVariables: readonly string[] },
): Record<string, string> {
  const allowed = new Set(settings.allowedVariables);
  return Object.fromEntries(Object.entries(all).filter(([key]) => allowed.has(key)));
}
