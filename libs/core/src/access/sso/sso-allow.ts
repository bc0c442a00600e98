/** Per-repository SSO policy: who may open its previews (operator settings, decision 0014). */
export interface SsoPolicy {
  /** Members of this GitHub org (or only of `githubTeam` in it) get in, besides readers. */
  githubOrg?: string;
  githubTeam?: string;
  allowedEmails: string[];
  allowedDomains: string[];
  allowedGroups: string[];
}

/** The facts about a GitHub user the gateway gathered with the installation token. */
export interface GitHubFacts {
  /** The user's role on the repository ('none' when not a collaborator). */
  permission: string;
  /** Whether they are in the configured org/team; undefined when none is configured. */
  member?: boolean;
}

/** Readers (any role from read up) and configured org/team members get in. */
export function githubAllowed(facts: GitHubFacts): boolean {
  return facts.permission !== 'none' || facts.member === true;
}

/** The OIDC claims the decision reads (from the verified ID token and userinfo). */
export interface OidcFacts {
  email?: string;
  emailVerified?: boolean;
  groups?: string[];
}

/**
 * Allowed by exact email, by email domain (emails count only when the provider says they are
 * verified), or by any shared group. Nothing configured means nobody: an OIDC sign-in alone
 * proves only that someone has an account at the provider.
 */
export function oidcAllowed(policy: SsoPolicy, facts: OidcFacts): boolean {
  const email = facts.emailVerified === true ? facts.email?.trim().toLowerCase() : undefined;
  if (email) {
    if (policy.allowedEmails.some((allowed) => allowed.toLowerCase() === email)) return true;
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (email.includes('@') && policy.allowedDomains.some((d) => d.toLowerCase() === domain)) {
      return true;
    }
  }
  const groups = new Set(facts.groups ?? []);
  return policy.allowedGroups.some((group) => groups.has(group));
}

/** Whether OIDC sign-in can admit anyone to a repository with this policy. */
export function oidcConfigured(policy: SsoPolicy): boolean {
  return (
    policy.allowedEmails.length + policy.allowedDomains.length + policy.allowedGroups.length > 0
  );
}
