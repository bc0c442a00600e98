import {
  API_SCOPES,
  type ConsoleRoleMatch,
  type ConsoleRoleRule,
  parseRepositoryRestriction,
} from '@berth/core';
import { z } from 'zod';
import { ssoSettings } from './sso-settings.js';

// The admin console's sign-in with GitHub or OIDC (decision 0035): the same providers and
// variables as the gateway's sign-in host (decision 0014), and the operator's rules mapping
// people to API roles. No rule, no role: nobody signs in through a provider until one is set.

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const TEAM = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const text = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, 'is empty');

/** One rule as the operator writes it: a role, exactly one thing to match, an optional repository. */
const ruleSchema = z
  .strictObject(
    {
      role: z.enum(API_SCOPES, { error: `must be one of ${API_SCOPES.join(', ')}` }),
      githubUser: text('a GitHub login').regex(LOGIN, 'must be a GitHub login').optional(),
      githubOrg: text('a GitHub org').regex(LOGIN, 'must be a GitHub org login').optional(),
      githubTeam: text('org/team-slug')
        .refine((value) => {
          const [org = '', team = '', ...rest] = value.split('/');
          return rest.length === 0 && LOGIN.test(org) && TEAM.test(team);
        }, 'must be org/team-slug, e.g. acme/platform')
        .optional(),
      oidcGroup: text('a group name').optional(),
      oidcEmail: text('an email address').email('must be an email address').optional(),
      oidcDomain: text('an email domain')
        .regex(DOMAIN, 'must be an email domain, e.g. example.com')
        .optional(),
      repository: text('owner/name or owner/*')
        .refine(
          (value) => parseRepositoryRestriction(value) !== null,
          'must be owner/name or owner/*',
        )
        .optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be an object') },
  )
  .superRefine((rule, ctx) => {
    const matchers = MATCH_KEYS.filter((key) => rule[key] !== undefined);
    if (matchers.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `needs exactly one of ${MATCH_KEYS.join(', ')} (has ${matchers.length === 0 ? 'none' : matchers.join(' and ')})`,
      });
    }
  });

const MATCH_KEYS = [
  'githubUser',
  'githubOrg',
  'githubTeam',
  'oidcGroup',
  'oidcEmail',
  'oidcDomain',
] as const;

type RawRule = z.infer<typeof ruleSchema>;

function matchOf(rule: RawRule): ConsoleRoleMatch {
  if (rule.githubUser !== undefined) return { kind: 'github-user', login: rule.githubUser };
  if (rule.githubOrg !== undefined) return { kind: 'github-org', org: rule.githubOrg };
  if (rule.githubTeam !== undefined) {
    const [org = '', team = ''] = rule.githubTeam.split('/');
    return { kind: 'github-team', org, team };
  }
  if (rule.oidcGroup !== undefined) return { kind: 'oidc-group', group: rule.oidcGroup };
  if (rule.oidcEmail !== undefined) return { kind: 'oidc-email', email: rule.oidcEmail };
  return { kind: 'oidc-domain', domain: rule.oidcDomain ?? '' };
}

/** `[1].role: must be …` for each problem, so the operator finds the bad rule and field. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const [index, ...fields] = issue.path;
      const where = index === undefined ? '' : `[${String(index)}]`;
      const field = fields.length > 0 ? `.${fields.map(String).join('.')}` : '';
      const unknown =
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.join(', ')} (known: role, ${MATCH_KEYS.join(', ')}, repository)`
          : issue.message;
      return `${where}${field}: ${unknown}`.replace(/^: /, '');
    })
    .join('; ');
}

/** Parses and checks a rules document (a JSON array); throws an Error naming each bad field. */
export function parseConsoleRoleRules(json: string): ConsoleRoleRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`is not JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = z.array(ruleSchema, { error: 'must be a JSON array of rules' }).safeParse(raw);
  if (!parsed.success) throw new Error(describeIssues(parsed.error));
  return parsed.data.map((rule) => ({
    match: matchOf(rule),
    role: rule.role,
    repository: rule.repository === undefined ? null : parseRepositoryRestriction(rule.repository),
  }));
}

export const consoleSignInSettings = {
  GITHUB_APP_ID: ssoSettings.GITHUB_APP_ID,
  GITHUB_APP_PRIVATE_KEY: ssoSettings.GITHUB_APP_PRIVATE_KEY,
  GITHUB_APP_CLIENT_ID: ssoSettings.GITHUB_APP_CLIENT_ID,
  GITHUB_APP_CLIENT_SECRET: ssoSettings.GITHUB_APP_CLIENT_SECRET,
  OIDC_ISSUER: ssoSettings.OIDC_ISSUER,
  OIDC_CLIENT_ID: ssoSettings.OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET: ssoSettings.OIDC_CLIENT_SECRET,
  OIDC_NAME: ssoSettings.OIDC_NAME,
  CONSOLE_ROLE_RULES: z
    .string()
    .transform((value, ctx) => {
      try {
        return parseConsoleRoleRules(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .default([])
    .describe(
      'JSON array mapping people who sign in to the console to API roles, e.g. ' +
        '[{"githubTeam":"acme/platform","role":"admin"},{"githubOrg":"acme","role":"read"},' +
        '{"oidcDomain":"acme.com","role":"write","repository":"acme/*"}]; the most privileged ' +
        'matching rule wins; default none (only API tokens sign in)',
    ),
};

/** OIDC issuer, client id and secret come together (the api checks at boot, naming the missing one). */
export function oidcTogether(
  config: { OIDC_ISSUER?: string; OIDC_CLIENT_ID?: string; OIDC_CLIENT_SECRET?: string },
  ctx: z.RefinementCtx,
): void {
  const keys = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
  const set = keys.filter((key) => config[key] !== undefined);
  if (set.length === 0 || set.length === keys.length) return;
  for (const key of keys.filter((k) => config[k] === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [key],
      message: `is required when ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set (OIDC sign-in needs all three, or none)`,
    });
  }
}
