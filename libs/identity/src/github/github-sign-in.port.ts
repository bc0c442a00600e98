/** What authenticates as the GitHub App (for its installation token). */
export interface GitHubAppKey {
  appId: number;
  privateKey: string;
}

/** A user's role on a repository; 'none' when they have no access. */
export type RepositoryPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** Who a GitHub sign-in turned out to be. */
export interface GitHubUser {
  id: number;
  login: string;
}

/**
 * GitHub as an SSO provider (decision 0014): the GitHub App's OAuth web flow to learn who signed
 * in, then the App's installation to learn what they may see. The user's own token is used for
 * `GET /user` only and never kept.
 */
export interface GitHubSignInPort {
  /** github.com/login/oauth/authorize with state and a PKCE (S256) challenge. */
  authorizationUrl(input: {
    redirectUrl: string;
    state: string;
    codeChallenge: string;
  }): Promise<string>;
  /** Exchanges the callback's code (with the PKCE verifier) and asks GitHub who it is. */
  signedInUser(input: {
    code: string;
    redirectUrl: string;
    codeVerifier: string;
  }): Promise<GitHubUser>;
  /**
   * The user's role on the repository (collaborator permission), asked with the App's
   * installation token. A 404 is 'none'; anything else that fails throws.
   */
  permission(input: {
    installationId: number;
    owner: string;
    repo: string;
    login: string;
  }): Promise<RepositoryPermission>;
  /**
   * Whether `login` is a member of `org` (of `team` in it, when given), asked with the App's
   * installation token. A 404 is "no"; anything else that fails throws.
   */
  isMember(input: {
    installationId: number;
    org: string;
    team?: string;
    login: string;
  }): Promise<boolean>;
}
