import { App } from '@octokit/app';
import { OAuthApp } from '@octokit/oauth-app';
import { Octokit } from '@octokit/rest';
import type {
  GitHubAppKey,
  GitHubSignInPort,
  GitHubUser,
  RepositoryPermission,
} from './github-sign-in.port.js';

/** The GitHub App's OAuth client (its settings page; stored by /setup/github). */
export interface GitHubOAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface OctokitGitHubSignInOptions {
  /** REST API root; OAuth's web endpoints are derived from it (github.com, or the GHES host). */
  baseUrl: string;
  /** Read per sign-in, so an App created or rotated later is picked up without a restart. */
  oauthClient: () => Promise<GitHubOAuthClient | undefined>;
  appKey: () => Promise<GitHubAppKey | undefined>;
}

export class GitHubSignInNotConfiguredError extends Error {
  constructor(what: string) {
    super(
      `GitHub sign-in is not configured: ${what} (set GITHUB_APP_CLIENT_ID and GITHUB_APP_CLIENT_SECRET, or create the App at the api's /setup/github)`,
    );
  }
}

/** The one driver of GitHubSignInPort: @octokit/oauth-app for the web flow, @octokit/app for reads. */
export class OctokitGitHubSignIn implements GitHubSignInPort {
  private readonly Octokit: typeof Octokit;

  constructor(private readonly options: OctokitGitHubSignInOptions) {
    this.Octokit = Octokit.defaults({ baseUrl: options.baseUrl });
  }

  async authorizationUrl(input: {
    redirectUrl: string;
    state: string;
    codeChallenge: string;
  }): Promise<string> {
    const oauth = await this.oauthApp();
    const { url } = oauth.getWebFlowAuthorizationUrl({
      redirectUrl: input.redirectUrl,
      state: input.state,
    });
    // GitHub's PKCE parameters (S256 only); the SDK does not know them yet.
    const withPkce = new URL(url);
    withPkce.searchParams.set('code_challenge', input.codeChallenge);
    withPkce.searchParams.set('code_challenge_method', 'S256');
    return withPkce.toString();
  }

  async signedInUser(input: {
    code: string;
    redirectUrl: string;
    codeVerifier: string;
  }): Promise<GitHubUser> {
    const oauth = await this.oauthApp();
    // The token request must carry the PKCE verifier, which the SDK does not send by itself:
    // added to that one request's parameters (they become its form body).
    oauth.octokit.hook.before('request', (options) => {
      if (options.url === '/login/oauth/access_token')
        options['code_verifier'] = input.codeVerifier;
    });
    const user = await oauth.getUserOctokit({ code: input.code, redirectUrl: input.redirectUrl });
    const { data } = await user.request('GET /user');
    return { id: Number(data.id), login: data.login };
  }

  async permission(input: {
    installationId: number;
    owner: string;
    repo: string;
    login: string;
  }): Promise<RepositoryPermission> {
    const octokit = await this.installation(input.installationId);
    try {
      const { data } = await octokit.request(
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        { owner: input.owner, repo: input.repo, username: input.login },
      );
      // role_name knows maintain/triage; the legacy field only admin/write/read/none.
      const role = (data as { role_name?: string }).role_name ?? data.permission;
      return ROLES.includes(role as RepositoryPermission) ? (role as RepositoryPermission) : 'none';
    } catch (error) {
      if (httpStatus(error) === 404) return 'none'; // not a collaborator, or no such user
      throw error;
    }
  }

  async isMember(input: {
    installationId: number;
    org: string;
    team?: string;
    login: string;
  }): Promise<boolean> {
    const octokit = await this.installation(input.installationId);
    try {
      if (input.team) {
        const { data } = await octokit.request(
          'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
          { org: input.org, team_slug: input.team, username: input.login },
        );
        return data.state === 'active';
      }
      // 204: a member. GitHub answers 404 for "not a member" (which throws below).
      await octokit.request('GET /orgs/{org}/members/{username}', {
        org: input.org,
        username: input.login,
      });
      return true;
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw error;
    }
  }

  private async installation(installationId: number) {
    const key = await this.options.appKey();
    if (!key) throw new GitHubSignInNotConfiguredError('no GitHub App key');
    const app = new App({ appId: key.appId, privateKey: key.privateKey, Octokit: this.Octokit });
    return app.getInstallationOctokit(installationId);
  }

  private async oauthApp(): Promise<OAuthApp<{ clientType: 'github-app' }>> {
    const client = await this.options.oauthClient();
    if (!client) throw new GitHubSignInNotConfiguredError('no OAuth client id and secret');
    return new OAuthApp({
      clientType: 'github-app',
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      Octokit: this.Octokit,
    });
  }
}

const ROLES: RepositoryPermission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

/** The HTTP status of an Octokit RequestError, if it has one. */
function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}
