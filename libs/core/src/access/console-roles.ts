import { API_SCOPES, type ApiScope } from '../api/api-token.js';

// Who gets which API role when they sign in to the console with GitHub or OIDC (decision 0035).
// Operator rules (CONSOLE_ROLE_RULES), never anything the person or a pull request says. Pure:
// the api gathers the facts (GitHub memberships through the App, OIDC claims through
// openid-client) and asks `consoleRoleOf`.

/** What one rule matches on. Values are compared case-insensitively. */
export type ConsoleRoleMatch =
  | { kind: 'github-user'; login: string }
  | { kind: 'github-org'; org: string }
  | { kind: 'github-team'; org: string; team: string }
  | { kind: 'oidc-group'; group: string }
  | { kind: 'oidc-email'; email: string }
  | { kind: 'oidc-domain'; domain: string };

export interface ConsoleRoleRule {
  match: ConsoleRoleMatch;
  role: ApiScope;
  /** `owner/name` or `owner/*`, like a token's; null: every repository. */
  repository: string | null;
}

/** What is known of a person who signed in, from their provider. */
export type ConsolePerson =
  | {
      provider: 'github';
      login: string;
      /**
       * The rule targets (`org`, or `org/team`, lowercase) GitHub confirmed the person is an
       * active member of. Only targets some rule names are asked; see `githubMembershipTargets`.
       */
      memberships: string[];
    }
  | {
      provider: 'oidc';
      email?: string;
      emailVerified?: boolean;
      groups?: string[];
    };

/** The role a person gets, and which rule gave it (its index in the list, for the log). */
export interface ConsoleRoleGrant {
  role: ApiScope;
  repository: string | null;
  rule: number;
}

/** Whether one rule matches one person. An OIDC email counts only when the provider verified it. */
export function ruleMatches(match: ConsoleRoleMatch, person: ConsolePerson): boolean {
  if (person.provider === 'github') {
    const memberships = new Set(person.memberships.map((m) => m.toLowerCase()));
    switch (match.kind) {
      case 'github-user':
        return match.login.toLowerCase() === person.login.toLowerCase();
      case 'github-org':
        return memberships.has(match.org.toLowerCase());
      case 'github-team':
        return memberships.has(`${match.org}/${match.team}`.toLowerCase());
      default:
        return false;
    }
  }
  const email = person.emailVerified === true ? person.email?.trim().toLowerCase() : undefined;
  switch (match.kind) {
    case 'oidc-group':
      return (person.groups ?? []).includes(match.group);
    case 'oidc-email':
      return email !== undefined && email === match.email.toLowerCase();
    case 'oidc-domain': {
      const at = email?.lastIndexOf('@') ?? -1;
      return email !== undefined && at > 0 && email.slice(at + 1) === match.domain.toLowerCase();
    }
    default:
      return false;
  }
}

/**
 * The most privileged grant among the rules that match: the highest role; at the same role an
 * unrestricted rule beats a restricted one; then the first in the list. Undefined when no rule
 * matches: the person gets no session.
 */
export function consoleRoleOf(
  rules: readonly ConsoleRoleRule[],
  person: ConsolePerson,
): ConsoleRoleGrant | undefined {
  let best: ConsoleRoleGrant | undefined;
  rules.forEach((rule, index) => {
    if (!ruleMatches(rule.match, person)) return;
    const grant = { role: rule.role, repository: rule.repository, rule: index };
    if (best === undefined || outranks(grant, best)) best = grant;
  });
  return best;
}

function outranks(a: ConsoleRoleGrant, b: ConsoleRoleGrant): boolean {
  const rank = API_SCOPES.indexOf(a.role) - API_SCOPES.indexOf(b.role);
  if (rank !== 0) return rank > 0;
  return a.repository === null && b.repository !== null;
}

/**
 * The GitHub orgs and teams some rule names (`org` or `org/team`, lowercase, once each): the
 * only memberships worth asking GitHub about.
 */
export function githubMembershipTargets(
  rules: readonly ConsoleRoleRule[],
): { org: string; team?: string }[] {
  const seen = new Map<string, { org: string; team?: string }>();
  for (const { match } of rules) {
    if (match.kind === 'github-org') {
      seen.set(match.org.toLowerCase(), { org: match.org.toLowerCase() });
    } else if (match.kind === 'github-team') {
      const org = match.org.toLowerCase();
      const team = match.team.toLowerCase();
      seen.set(`${org}/${team}`, { org, team });
    }
  }
  return [...seen.values()];
}

/** Which providers any rule could admit someone through. */
export function providersWithRules(rules: readonly ConsoleRoleRule[]): {
  github: boolean;
  oidc: boolean;
} {
  return {
    github: rules.some((r) => r.match.kind.startsWith('github-')),
    oidc: rules.some((r) => r.match.kind.startsWith('oidc-')),
  };
}

/** How a rule reads in a refusal or the log, e.g. `github team acme/platform → write`. */
export function describeMatch(match: ConsoleRoleMatch): string {
  switch (match.kind) {
    case 'github-user':
      return `GitHub user ${match.login}`;
    case 'github-org':
      return `GitHub org ${match.org}`;
    case 'github-team':
      return `GitHub team ${match.org}/${match.team}`;
    case 'oidc-group':
      return `OIDC group ${match.group}`;
    case 'oidc-email':
      return `email ${match.email}`;
    case 'oidc-domain':
      return `email domain ${match.domain}`;
  }
}
