/** What Berth needs from GitHub, through the GitHub App's installation. One driver: Octokit. */
export interface RepositoryCoordinates {
  installationId: number;
  owner: string;
  repo: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface GitHubPort {
  /** A short-lived installation token (for git fetch over the clone URL). */
  installationToken(installationId: number): Promise<string>;
  /**
   * The one Berth comment on a PR, created once then edited in place. `knownCommentId` is the
   * id stored last time; when it is gone (deleted by a human) the comment is found by its
   * hidden marker or created again. Returns the comment id.
   */
  upsertStickyComment(
    repo: RepositoryCoordinates,
    prNumber: number,
    body: string,
    knownCommentId?: number,
  ): Promise<number>;
  setCommitStatus(
    repo: RepositoryCoordinates,
    sha: string,
    status: { state: CommitState; description: string; targetUrl?: string; context?: string },
  ): Promise<void>;
}

/** Hidden marker that identifies Berth's sticky comment. */
export const STICKY_COMMENT_MARKER = '<!-- berth:preview -->';
/** Commit status context. */
export const STATUS_CONTEXT = 'berth/preview';
