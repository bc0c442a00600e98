import type { GitHubAppKey, GitHubSignInPort } from '@berth/identity';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';

/** What the membership check needs of the logger. */
interface WarnLogger {
  warn(message: string): void;
}

/**
 * The orgs and teams (of those the role rules name) a GitHub user is an active member of,
 * asked with the GitHub App's installation on each org (members:read), like the gateway's SSO
 * (decision 0014). An org the App is not installed on cannot be asked: its rules match nobody
 * and the log says why. The user's own token is never used for this.
 */
export async function githubMemberships(input: {
  login: string;
  targets: { org: string; team?: string }[];
  signIn: Pick<GitHubSignInPort, 'isMember'>;
  appKey: () => Promise<GitHubAppKey | undefined>;
  apiUrl: string;
  logger: WarnLogger;
}): Promise<string[]> {
  if (input.targets.length === 0) return [];
  const installations = await installationsByAccount(input.appKey, input.apiUrl);
  const memberships: string[] = [];
  for (const target of input.targets) {
    const installationId = installations.get(target.org.toLowerCase());
    if (installationId === undefined) {
      input.logger.warn(
        `the GitHub App is not installed on ${target.org}: console role rules naming it match nobody`,
      );
      continue;
    }
    const member = await input.signIn.isMember({
      installationId,
      org: target.org,
      login: input.login,
      ...(target.team !== undefined ? { team: target.team } : {}),
    });
    if (member) {
      memberships.push(target.team === undefined ? target.org : `${target.org}/${target.team}`);
    }
  }
  return memberships;
}

/** The App's installations by account login (lowercase), read with the App's JWT. */
async function installationsByAccount(
  appKey: () => Promise<GitHubAppKey | undefined>,
  apiUrl: string,
): Promise<Map<string, number>> {
  const key = await appKey();
  if (!key) throw new Error('no GitHub App key: create the App at /setup/github');
  const app = new App({
    appId: key.appId,
    privateKey: key.privateKey,
    Octokit: Octokit.defaults({ baseUrl: apiUrl }),
  });
  const installations = await app.octokit.paginate('GET /app/installations', { per_page: 100 });
  const byAccount = new Map<string, number>();
  for (const installation of installations) {
    const account = installation.account;
    const login = account && 'login' in account ? account.login : undefined;
    if (login) byAccount.set(login.toLowerCase(), installation.id);
  }
  return byAccount;
}
