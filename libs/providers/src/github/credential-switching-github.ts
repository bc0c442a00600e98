import type {
  CheckRunState,
  CheckRunWrite,
  CommitState,
  DefaultBranchAnswer,
  GitHubPort,
  OpenPullRequests,
  CommentReaction,
  PermissionLevel,
  PullRequestSnapshot,
  PullRequestState,
  RepositoryCoordinates,
} from './github.port.js';

/** What authenticates as the GitHub App. */
export interface GitHubAppKey {
  appId: number;
  privateKey: string;
}

/** No App credentials anywhere yet: the operator has not run the setup. */
export class GitHubAppNotConfiguredError extends Error {
  override readonly name = 'GitHubAppNotConfiguredError';
  constructor() {
    super(
      "no GitHub App is configured: create one at the api's /setup/github, or set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY",
    );
  }
}

/**
 * A GitHubPort whose App can change while the worker runs: every call asks `credentials` (which
 * caches and re-reads the store, see GitHubAppCredentials in @berth/runtime) and, when the App or
 * its key changed, builds a new driver for it. The App created by /setup/github is thus used
 * without a restart, and a key rotated in the store replaces the old one within the cache time.
 */
export class CredentialSwitchingGitHub implements GitHubPort {
  private current: { fingerprint: string; github: GitHubPort } | undefined;

  constructor(
    private readonly credentials: () => Promise<GitHubAppKey | undefined>,
    private readonly create: (key: GitHubAppKey) => GitHubPort,
  ) {}

  private async github(): Promise<GitHubPort> {
    const key = await this.credentials();
    if (!key) throw new GitHubAppNotConfiguredError();
    const fingerprint = `${key.appId}:${key.privateKey}`;
    if (this.current?.fingerprint !== fingerprint) {
      this.current = { fingerprint, github: this.create(key) };
    }
    return this.current.github;
  }

  async installationToken(installationId: number): Promise<string> {
    return (await this.github()).installationToken(installationId);
  }

  async upsertStickyComment(
    repo: RepositoryCoordinates,
    prNumber: number,
    body: string,
    knownCommentId?: number,
  ): Promise<number> {
    return (await this.github()).upsertStickyComment(repo, prNumber, body, knownCommentId);
  }

  async setCommitStatus(
    repo: RepositoryCoordinates,
    sha: string,
    status: { state: CommitState; description: string; targetUrl?: string; context?: string },
  ): Promise<void> {
    return (await this.github()).setCommitStatus(repo, sha, status);
  }

  async createCheckRun(
    repo: RepositoryCoordinates,
    headSha: string,
    name: string,
    write: CheckRunWrite,
  ): Promise<number> {
    return (await this.github()).createCheckRun(repo, headSha, name, write);
  }

  async updateCheckRun(
    repo: RepositoryCoordinates,
    checkRunId: number,
    write: CheckRunWrite,
  ): Promise<void> {
    return (await this.github()).updateCheckRun(repo, checkRunId, write);
  }

  async checkRuns(
    repo: RepositoryCoordinates,
    sha: string,
    name: string,
  ): Promise<CheckRunState[]> {
    return (await this.github()).checkRuns(repo, sha, name);
  }

  async pullRequest(repo: RepositoryCoordinates, prNumber: number): Promise<PullRequestState> {
    return (await this.github()).pullRequest(repo, prNumber);
  }

  async listOpenPullRequests(
    repo: RepositoryCoordinates,
    validator?: string,
  ): Promise<OpenPullRequests> {
    return (await this.github()).listOpenPullRequests(repo, validator);
  }

  async getPullRequest(
    repo: RepositoryCoordinates,
    prNumber: number,
  ): Promise<PullRequestSnapshot> {
    return (await this.github()).getPullRequest(repo, prNumber);
  }

  async permission(repo: RepositoryCoordinates, login: string): Promise<PermissionLevel> {
    return (await this.github()).permission(repo, login);
  }

  async addCommentReaction(
    repo: RepositoryCoordinates,
    commentId: number,
    content: CommentReaction,
  ): Promise<void> {
    return (await this.github()).addCommentReaction(repo, commentId, content);
  }

  async defaultBranchHead(
    repo: RepositoryCoordinates,
    validator?: string,
  ): Promise<DefaultBranchAnswer> {
    return (await this.github()).defaultBranchHead(repo, validator);
  }
}
