/** What Berth needs from GitHub, through the GitHub App's installation. One driver: Octokit. */
export interface RepositoryCoordinates {
  installationId: number;
  owner: string;
  repo: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** A pull request as GitHub holds it now (the facts ordering and replay checks need). */
export interface PullRequestState {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  headSha: string;
  /** ISO-8601, as GitHub's pull_request.updated_at (whole seconds). */
  updatedAt: string;
}

/**
 * A pull request as GitHub's REST API returns it (GET …/pulls and …/pulls/{n}), in the fields a
 * `pull_request` webhook payload carries that Berth reads: what the resync with GitHub builds
 * its synthetic deliveries from (decision 0022).
 */
export interface PullRequestSnapshot {
  number: number;
  state: 'open' | 'closed';
  /** False on the list endpoint, which does not say (an open PR is never merged). */
  merged: boolean;
  headSha: string;
  headRef: string;
  /** null when the head repository (a fork) was deleted. */
  headRepoId: number | null;
  baseRef: string;
  /** The repository the PR targets, as GitHub names it now (a rename shows here). */
  baseRepo: {
    id: number;
    fullName: string;
    owner: string;
    name: string;
    cloneUrl: string;
    defaultBranch: string;
  };
  labels: string[];
  /** Login of the PR's author. */
  author: string;
  /** ISO-8601, GitHub's pull_request.updated_at (whole seconds): the ordering fact. */
  updatedAt: string;
}

/**
 * The open PRs of a repository, every page, or `not-modified` when GitHub answered 304 to the
 * conditional request made with `validator` (a 304 costs no rate limit).
 */
export type OpenPullRequests =
  | {
      status: 'modified';
      pulls: PullRequestSnapshot[];
      /** Opaque: pass it back to ask "changed since?" (the ETag of every page). */
      validator: string;
    }
  | { status: 'not-modified' };

/**
 * A repository's default branch as GitHub has it now: what the resync compares with the base
 * environment (PR 0) to write a `push` delivery GitHub failed to deliver (decision 0022).
 */
export interface DefaultBranchHead {
  /** The repository as GET /repos/{o}/{r} names it now. */
  repository: {
    id: number;
    fullName: string;
    owner: string;
    name: string;
    cloneUrl: string;
    defaultBranch: string;
    /** ISO-8601, the repository's last push (any branch): read before the head, see below. */
    pushedAt: string | null;
  };
  /** The default branch's head commit, read after `pushedAt`. */
  sha: string;
}

/** The default branch's head, or `not-modified` when the repository answered 304 to `validator`. */
export type DefaultBranchAnswer =
  | {
      status: 'modified';
      head: DefaultBranchHead;
      /** Opaque: the repository's ETag, to ask "pushed since?" next time. */
      validator?: string;
    }
  | { status: 'not-modified' };

export type CheckRunStatus = 'queued' | 'in_progress' | 'completed';
export type CheckRunConclusion =
  'success' | 'failure' | 'cancelled' | 'skipped' | 'neutral' | 'timed_out';

/** A problem on lines of a repository file, shown on the check run and in the diff. */
export interface CheckRunAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  level: 'failure' | 'warning' | 'notice';
  title?: string;
  message: string;
}

/** What a create or update of a check run sets (a conclusion completes it). */
export interface CheckRunWrite {
  /** Left as it is when omitted (an edit of the output only). */
  status?: CheckRunStatus;
  conclusion?: CheckRunConclusion;
  /** Ours to find the run again (Berth: `berth:{pr}:{generation}`). */
  externalId?: string;
  detailsUrl?: string;
  /** Annotations are appended by GitHub on every write that carries them; send each once. */
  output?: { title: string; summary: string; text?: string; annotations?: CheckRunAnnotation[] };
}

/** A check run as GitHub holds it (the fields Berth reads back). */
export interface CheckRunState {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  /** The App that created it. */
  appId: number | null;
}

/** A user's role on a repository, strongest first. */
export type PermissionLevel = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

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
  /** Creates a check run on `headSha`; returns its id. */
  createCheckRun(
    repo: RepositoryCoordinates,
    headSha: string,
    name: string,
    write: CheckRunWrite,
  ): Promise<number>;
  /** Edits a check run in place (PATCH); a 404 is an error. */
  updateCheckRun(
    repo: RepositoryCoordinates,
    checkRunId: number,
    write: CheckRunWrite,
  ): Promise<void>;
  /** The check runs named `name` on `sha` (every attempt, newest first). */
  checkRuns(repo: RepositoryCoordinates, sha: string, name: string): Promise<CheckRunState[]>;
  /** The PR's current state on GitHub (GET /repos/{o}/{r}/pulls/{n}); a 404 is an error. */
  pullRequest(repo: RepositoryCoordinates, prNumber: number): Promise<PullRequestState>;
  /**
   * Every open PR of the repository (GET /repos/{o}/{r}/pulls?state=open, 100 a page, following
   * the Link header). With `validator` from an earlier answer every page is asked with
   * If-None-Match first: when all answer 304 the result is `not-modified`.
   */
  listOpenPullRequests(repo: RepositoryCoordinates, validator?: string): Promise<OpenPullRequests>;
  /** One PR in full (GET /repos/{o}/{r}/pulls/{n}); a 404 is an error. */
  getPullRequest(repo: RepositoryCoordinates, prNumber: number): Promise<PullRequestSnapshot>;
  /**
   * The default branch's head: GET /repos/{o}/{r} first (its `pushed_at` is then never later
   * than the head read, so a push landing between the two reads is dated before GitHub's own
   * delivery of it, which wins), then GET /repos/{o}/{r}/branches/{default}. With
   * `validator`, the repository is asked with If-None-Match first: a 304 (nothing pushed or
   * changed since; free of rate limit) answers `not-modified` without the second request.
   */
  defaultBranchHead(repo: RepositoryCoordinates, validator?: string): Promise<DefaultBranchAnswer>;
  /**
   * The user's permission on the repository (GET /repos/{o}/{r}/collaborators/{u}/permission;
   * prefer role_name, fall back to permission). A 404 (not a collaborator / no such user) is
   * 'none'. Any other failure throws: an outage must never read as "no permission" or as some.
   */
  permission(repo: RepositoryCoordinates, login: string): Promise<PermissionLevel>;
  /**
   * Reacts to an issue comment (POST /repos/{o}/{r}/issues/comments/{id}/reactions): how a PR
   * chat-op is acknowledged (decision 0026). GitHub answers an existing identical reaction with
   * 200, so reacting twice is harmless.
   */
  addCommentReaction(
    repo: RepositoryCoordinates,
    commentId: number,
    content: CommentReaction,
  ): Promise<void>;
}

/** The reactions Berth gives a chat-op comment: accepted (`eyes`) or refused (`confused`). */
export type CommentReaction = 'eyes' | 'confused';

/** Hidden marker that identifies Berth's sticky comment. */
export const STICKY_COMMENT_MARKER = '<!-- berth:preview -->';
/** Commit status context. */
export const STATUS_CONTEXT = 'berth/preview';
