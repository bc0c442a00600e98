import { App } from '@octokit/app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import {
  type CheckRunAnnotation,
  type CheckRunState,
  type CheckRunWrite,
  type CommentReaction,
  type CommitState,
  type DefaultBranchAnswer,
  type GitHubPort,
  type OpenPullRequests,
  type PermissionLevel,
  type PullRequestSnapshot,
  type PullRequestState,
  type RepositoryCoordinates,
  STATUS_CONTEXT,
  STICKY_COMMENT_MARKER,
} from '../github.port.js';
import { GitHubApiError, httpStatus } from './github-api-error.js';
import { KeyedChain } from '../../shared/keyed-chain.js';
import {
  branchHeadSha,
  checkRunState,
  permissionLevel,
  pullRequestSnapshot,
  pullRequestState,
  repositorySnapshot,
} from './read-shapes.js';

/** The most GitHub lists per page (…/pulls): fewer pages, fewer requests. */
const PULLS_PER_PAGE = 100;
/** A repository with more open PRs than this is listed in part (and says so). */
const MAX_PULL_PAGES = 50;

/** GitHub takes at most 50 annotations per request; the rest go in further updates. */
const ANNOTATIONS_PER_REQUEST = 50;

export interface OctokitGitHubOptions {
  appId: number;
  /** The App's private key (PEM). */
  privateKey: string;
  /** REST API root; default https://api.github.com (GitHub Enterprise: https://host/api/v3). */
  baseUrl?: string;
  /** Retries of a request that failed with a 5xx or no response; default 3. */
  retries?: number;
  /** Backoff unit for those retries in ms (waits 1², 2², 3² units); default 1000. */
  retryBaseMs?: number;
  /** Retries after a rate limit (403/429 + retry-after / x-ratelimit-reset); default 3. */
  rateLimitRetries?: number;
  /** A rate limit asking to wait longer than this fails instead of stalling a stage; default 300. */
  maxRateLimitWaitSeconds?: number;
  /** Spacing of mutating requests; GitHub asks for ≥ 1 s. Default 1000. */
  writeIntervalMs?: number;
  /** Spacing of requests that notify people (creating a comment); GitHub: 3 s. Default 3000. */
  notificationIntervalMs?: number;
  /** An installation token is renewed when less than this is left; default 5 min. */
  tokenRefreshMarginMs?: number;
  /** Open PRs asked per page when listing (GitHub's most: 100, the default). */
  pullsPerPage?: number;
  /** Octokit's logger (debug/info/warn/error); default: warnings and errors to the console. */
  log?: OctokitLog;
}

export interface OctokitLog {
  debug: (message: string, ...rest: unknown[]) => void;
  info: (message: string, ...rest: unknown[]) => void;
  warn: (message: string, ...rest: unknown[]) => void;
  error: (message: string, ...rest: unknown[]) => void;
}

interface InstallationAuth {
  token: string;
  expiresAt: string;
}

interface IssueComment {
  id: number;
  body?: string | null;
}

const RetryingOctokit = Octokit.plugin(retry, throttling);
type BerthOctokit = InstanceType<typeof RetryingOctokit>;

/** Comment bodies Berth wrote: the marker is their first line (a quote of one is not). */
const isSticky = (body: string | null | undefined): boolean =>
  typeof body === 'string' && body.trimStart().startsWith(STICKY_COMMENT_MARKER);

/**
 * GitHubPort over the official SDK: @octokit/app for App → installation auth (tokens cached by
 * @octokit/auth-app, renewed early here), plugin-retry for 5xx, plugin-throttling for GitHub's
 * rate limits and write pacing.
 */
export class OctokitGitHub implements GitHubPort {
  private readonly app: App<{ Octokit: typeof RetryingOctokit }>;
  private readonly comments = new KeyedChain();
  private readonly refreshMarginMs: number;
  private readonly pullsPerPage: number;

  constructor(options: OctokitGitHubOptions) {
    if (!Number.isSafeInteger(options.appId) || options.appId <= 0) {
      throw new Error(
        `GitHub App id must be a positive integer (GITHUB_APP_ID), got ${options.appId}`,
      );
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(options.privateKey)) {
      throw new Error(
        'GitHub App private key must be a PEM private key (GITHUB_APP_PRIVATE_KEY; newlines may be written as \\n)',
      );
    }
    this.refreshMarginMs = options.tokenRefreshMarginMs ?? 5 * 60_000;
    this.pullsPerPage = options.pullsPerPage ?? PULLS_PER_PAGE;
    const rateLimitRetries = options.rateLimitRetries ?? 3;
    const maxWait = options.maxRateLimitWaitSeconds ?? 300;
    const onLimit = (
      retryAfter: number,
      _options: unknown,
      _octokit: unknown,
      retryCount: number,
    ) => retryCount < rateLimitRetries && retryAfter <= maxWait;
    // Our own pacing groups: the plugin's defaults are process-wide singletons with fixed spacing.
    const write = new Bottleneck.Group({
      maxConcurrent: 1,
      minTime: options.writeIntervalMs ?? 1000,
    });
    const notifications = new Bottleneck.Group({
      maxConcurrent: 1,
      minTime: options.notificationIntervalMs ?? 3000,
    });
    const OctokitClass = RetryingOctokit.defaults({
      baseUrl: options.baseUrl ?? 'https://api.github.com',
      retry: {
        retries: options.retries ?? 3,
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
        // A 429 names its own wait (retry-after): the caller reschedules by it (GitHubApiError
        // carries it) instead of this plugin's fixed backoff holding whatever the caller holds.
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      },
      throttle: {
        onRateLimit: onLimit,
        onSecondaryRateLimit: onLimit,
        write,
        notifications,
      },
      ...(options.log ? { log: options.log } : {}),
    });
    this.app = new App({
      appId: options.appId,
      privateKey: options.privateKey,
      Octokit: OctokitClass,
    });
  }

  async installationToken(installationId: number): Promise<string> {
    return (await this.installationAuth(installationId)).token;
  }

  async upsertStickyComment(
    repo: RepositoryCoordinates,
    prNumber: number,
    body: string,
    knownCommentId?: number,
  ): Promise<number> {
    if (!isSticky(body)) {
      throw new Error(
        `sticky comment body for ${repo.owner}/${repo.repo}#${prNumber} must start with ${STICKY_COMMENT_MARKER}, or it could not be found again`,
      );
    }
    const key = `${repo.owner}/${repo.repo}#${prNumber}`.toLowerCase();
    return this.comments.run(key, () =>
      this.upsertSerialised(repo, prNumber, body, knownCommentId),
    );
  }

  async setCommitStatus(
    repo: RepositoryCoordinates,
    sha: string,
    status: { state: CommitState; description: string; targetUrl?: string; context?: string },
  ): Promise<void> {
    const description =
      status.description.length > 140 ? `${status.description.slice(0, 139)}…` : status.description;
    await this.call(
      repo.installationId,
      'set the commit status',
      `${repo.owner}/${repo.repo}@${sha.slice(0, 12)}`,
      (octokit) =>
        octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
          owner: repo.owner,
          repo: repo.repo,
          sha,
          state: status.state,
          description,
          context: status.context ?? STATUS_CONTEXT,
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        }),
    );
  }

  async createCheckRun(
    repo: RepositoryCoordinates,
    headSha: string,
    name: string,
    write: CheckRunWrite,
  ): Promise<number> {
    const target = `${repo.owner}/${repo.repo}@${headSha.slice(0, 12)}`;
    const [first, rest] = splitAnnotations(write);
    const created = await this.call(
      repo.installationId,
      'create the check run',
      target,
      (octokit) =>
        octokit.request('POST /repos/{owner}/{repo}/check-runs', {
          owner: repo.owner,
          repo: repo.repo,
          name,
          head_sha: headSha,
          ...checkRunBody(first),
        }),
    );
    const id = Number(created.data.id);
    await this.appendAnnotations(repo, id, write, rest);
    return id;
  }

  async updateCheckRun(
    repo: RepositoryCoordinates,
    checkRunId: number,
    write: CheckRunWrite,
  ): Promise<void> {
    const [first, rest] = splitAnnotations(write);
    await this.patchCheckRun(repo, checkRunId, first);
    await this.appendAnnotations(repo, checkRunId, write, rest);
  }

  async checkRuns(
    repo: RepositoryCoordinates,
    sha: string,
    name: string,
  ): Promise<CheckRunState[]> {
    const target = `${repo.owner}/${repo.repo}@${sha.slice(0, 12)}`;
    const runs = await this.call(repo.installationId, 'list check runs', target, (octokit) =>
      octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        owner: repo.owner,
        repo: repo.repo,
        ref: sha,
        check_name: name,
        filter: 'all',
        per_page: 100,
      }),
    );
    return (runs as unknown[])
      .map((run) => checkRunState(run, `check run on ${target}`))
      .sort((a, b) => b.id - a.id);
  }

  private async patchCheckRun(
    repo: RepositoryCoordinates,
    checkRunId: number,
    write: CheckRunWrite,
  ): Promise<void> {
    await this.call(
      repo.installationId,
      'update the check run',
      `${repo.owner}/${repo.repo} check run ${checkRunId}`,
      (octokit) =>
        octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
          owner: repo.owner,
          repo: repo.repo,
          check_run_id: checkRunId,
          ...checkRunBody(write),
        }),
    );
  }

  /** Annotations past the first 50, in further updates of 50 (GitHub appends them). */
  private async appendAnnotations(
    repo: RepositoryCoordinates,
    checkRunId: number,
    write: CheckRunWrite,
    rest: CheckRunAnnotation[],
  ): Promise<void> {
    if (!write.output) return;
    for (let i = 0; i < rest.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.patchCheckRun(repo, checkRunId, {
        ...(write.status ? { status: write.status } : {}),
        ...(write.conclusion ? { conclusion: write.conclusion } : {}),
        output: {
          ...write.output,
          annotations: rest.slice(i, i + ANNOTATIONS_PER_REQUEST),
        },
      });
    }
  }

  async pullRequest(repo: RepositoryCoordinates, prNumber: number): Promise<PullRequestState> {
    const target = `${repo.owner}/${repo.repo}#${prNumber}`;
    const answer = await this.call(
      repo.installationId,
      'read the pull request',
      target,
      (octokit) =>
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner: repo.owner,
          repo: repo.repo,
          pull_number: prNumber,
        }),
    );
    return pullRequestState(answer.data, `GET pull request ${target}`);
  }

  async listOpenPullRequests(
    repo: RepositoryCoordinates,
    validator?: string,
  ): Promise<OpenPullRequests> {
    const target = `${repo.owner}/${repo.repo}`;
    const etags = parseValidator(validator);
    // Every page asked "changed since?" first: a 304 costs no rate limit, and a close on page 2
    // changes page 2 only (the list is newest first), so each page must be asked.
    if (etags.length > 0) {
      let unchanged = true;
      for (const [index, etag] of etags.entries()) {
        const answer = await this.pullsPage(repo, target, index + 1, etag);
        if (answer !== 'not-modified') {
          unchanged = false;
          break;
        }
      }
      if (unchanged) return { status: 'not-modified' };
    }
    const pulls: PullRequestSnapshot[] = [];
    const pageEtags: string[] = [];
    for (let page = 1; page <= MAX_PULL_PAGES; page += 1) {
      const answer = await this.pullsPage(repo, target, page, undefined);
      if (answer === 'not-modified') throw new Error(`GitHub answered 304 unasked for ${target}`);
      pulls.push(
        ...answer.items.map((item) => pullRequestSnapshot(item, `GET pull requests of ${target}`)),
      );
      pageEtags.push(answer.etag ?? '');
      if (!answer.next) break;
    }
    // Without an ETag on every page nothing can be asked conditionally next time.
    const validatorOut = pageEtags.every((e) => e !== '') ? JSON.stringify(pageEtags) : '';
    return { status: 'modified', pulls, validator: validatorOut };
  }

  async getPullRequest(
    repo: RepositoryCoordinates,
    prNumber: number,
  ): Promise<PullRequestSnapshot> {
    const target = `${repo.owner}/${repo.repo}#${prNumber}`;
    const answer = await this.call(
      repo.installationId,
      'read the pull request',
      target,
      (octokit) =>
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner: repo.owner,
          repo: repo.repo,
          pull_number: prNumber,
        }),
    );
    return pullRequestSnapshot(answer.data, `GET pull request ${target}`);
  }

  async defaultBranchHead(
    repo: RepositoryCoordinates,
    validator?: string,
  ): Promise<DefaultBranchAnswer> {
    const target = `${repo.owner}/${repo.repo}`;
    let answer;
    try {
      answer = await this.call(repo.installationId, 'read the repository', target, (octokit) =>
        octokit.request('GET /repos/{owner}/{repo}', {
          owner: repo.owner,
          repo: repo.repo,
          ...(validator ? { headers: { 'if-none-match': validator } } : {}),
        }),
      );
    } catch (error) {
      // @octokit/request throws on 304; neither plugin retries it.
      if (validator && error instanceof GitHubApiError && error.status === 304) {
        return { status: 'not-modified' };
      }
      throw error;
    }
    const repository = repositorySnapshot(answer.data, `GET repository ${target}`);
    const branch = await this.call(
      repo.installationId,
      'read the default branch',
      `${target}@${repository.defaultBranch}`,
      (octokit) =>
        octokit.request('GET /repos/{owner}/{repo}/branches/{branch}', {
          owner: repo.owner,
          repo: repo.repo,
          branch: repository.defaultBranch,
        }),
    );
    const etag = typeof answer.headers.etag === 'string' ? answer.headers.etag : undefined;
    return {
      status: 'modified',
      head: {
        repository,
        sha: branchHeadSha(branch.data, `GET branch ${target}@${repository.defaultBranch}`),
      },
      ...(etag ? { validator: etag } : {}),
    };
  }

  /** One page of open PRs; with `etag`, conditional (`not-modified` on GitHub's 304). */
  private async pullsPage(
    repo: RepositoryCoordinates,
    target: string,
    page: number,
    etag: string | undefined,
  ): Promise<{ items: unknown[]; etag: string | undefined; next: boolean } | 'not-modified'> {
    try {
      const answer = await this.call(
        repo.installationId,
        'list open pull requests',
        `${target} (page ${page})`,
        (octokit) =>
          octokit.request('GET /repos/{owner}/{repo}/pulls', {
            owner: repo.owner,
            repo: repo.repo,
            state: 'open',
            per_page: this.pullsPerPage,
            page,
            ...(etag ? { headers: { 'if-none-match': etag } } : {}),
          }),
      );
      const link = typeof answer.headers.link === 'string' ? answer.headers.link : '';
      return {
        items: answer.data as unknown[],
        etag: typeof answer.headers.etag === 'string' ? answer.headers.etag : undefined,
        next: /rel="next"/.test(link),
      };
    } catch (error) {
      // @octokit/request throws on 304 (its RequestError "Not modified"); neither plugin retries it.
      if (etag && error instanceof GitHubApiError && error.status === 304) return 'not-modified';
      throw error;
    }
  }

  async permission(repo: RepositoryCoordinates, login: string): Promise<PermissionLevel> {
    const target = `${repo.owner}/${repo.repo} (user ${login})`;
    try {
      const answer = await this.call(
        repo.installationId,
        'read the collaborator permission',
        target,
        (octokit) =>
          octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
            owner: repo.owner,
            repo: repo.repo,
            username: login,
          }),
      );
      return permissionLevel(answer.data);
    } catch (error) {
      // GitHub's 404 here means "not a collaborator" or "no such user": no permission. Only a
      // 404: a 5xx, 403 or timeout must reach the caller, never read as 'none' (or as access).
      if (error instanceof GitHubApiError && error.status === 404) return 'none';
      throw error;
    }
  }

  async addCommentReaction(
    repo: RepositoryCoordinates,
    commentId: number,
    content: CommentReaction,
  ): Promise<void> {
    await this.call(
      repo.installationId,
      'react to the comment',
      `${repo.owner}/${repo.repo} comment ${commentId}`,
      (octokit) =>
        octokit.rest.reactions.createForIssueComment({
          owner: repo.owner,
          repo: repo.repo,
          comment_id: commentId,
          content,
        }),
    );
  }

  private async upsertSerialised(
    repo: RepositoryCoordinates,
    prNumber: number,
    body: string,
    knownCommentId: number | undefined,
  ): Promise<number> {
    const target = `${repo.owner}/${repo.repo}#${prNumber}`;
    if (knownCommentId !== undefined) {
      const edited = await this.editComment(repo, target, knownCommentId, body, true);
      if (edited) return knownCommentId;
    }
    const existing = await this.call(repo.installationId, 'list comments', target, (octokit) =>
      octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: repo.owner,
        repo: repo.repo,
        issue_number: prNumber,
        per_page: 100,
      }),
    );
    const ours = (existing as IssueComment[])
      .filter((c) => isSticky(c.body))
      .sort((a, b) => a.id - b.id);
    const [keep, ...duplicates] = ours;
    if (keep) {
      if (keep.body !== body) await this.editComment(repo, target, keep.id, body, false);
      // Heal a duplicate left by another process (or an older Berth) so the PR shows one comment.
      for (const duplicate of duplicates) {
        await this.call(
          repo.installationId,
          'delete a duplicate preview comment',
          target,
          (octokit) =>
            octokit.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
              owner: repo.owner,
              repo: repo.repo,
              comment_id: duplicate.id,
            }),
        ).catch((error: unknown) => {
          if (httpStatus(error instanceof GitHubApiError ? error.cause : error) !== 404)
            throw error;
        });
      }
      return keep.id;
    }
    const created = await this.call(
      repo.installationId,
      'create the preview comment',
      target,
      (octokit) =>
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner: repo.owner,
          repo: repo.repo,
          issue_number: prNumber,
          body,
        }),
    );
    return Number(created.data.id);
  }

  /** PATCH a comment; with `missingOk`, a 404 (deleted by a human) returns false. */
  private async editComment(
    repo: RepositoryCoordinates,
    target: string,
    commentId: number,
    body: string,
    missingOk: boolean,
  ): Promise<boolean> {
    try {
      await this.call(repo.installationId, 'update the preview comment', target, (octokit) =>
        octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          owner: repo.owner,
          repo: repo.repo,
          comment_id: commentId,
          body,
        }),
      );
      return true;
    } catch (error) {
      if (missingOk && error instanceof GitHubApiError && error.status === 404) return false;
      throw error;
    }
  }

  /**
   * Runs one API call as the installation. A 401 means the cached token was revoked or expired
   * early: renew it once and try again. Failures become GitHubApiError naming the target.
   */
  private async call<T>(
    installationId: number,
    action: string,
    target: string,
    fn: (octokit: BerthOctokit) => Promise<T>,
  ): Promise<T> {
    try {
      try {
        return await fn(await this.installationOctokit(installationId, false));
      } catch (error) {
        if (httpStatus(error) !== 401) throw error;
        return await fn(await this.installationOctokit(installationId, true));
      }
    } catch (error) {
      if (error instanceof GitHubApiError) throw error;
      throw new GitHubApiError(action, target, httpStatus(error), error);
    }
  }

  private async installationOctokit(
    installationId: number,
    refresh: boolean,
  ): Promise<BerthOctokit> {
    // Renews the shared token cache first when the token is close to expiry (or refused).
    await this.installationAuth(installationId, refresh);
    return this.app.getInstallationOctokit(installationId);
  }

  private async installationAuth(
    installationId: number,
    forceRefresh = false,
  ): Promise<InstallationAuth> {
    const request = async (refresh: boolean): Promise<InstallationAuth> => {
      try {
        return (await this.app.octokit.auth({
          type: 'installation',
          installationId,
          ...(refresh ? { refresh: true } : {}),
        })) as InstallationAuth;
      } catch (error) {
        throw new GitHubApiError(
          'get an installation token',
          `installation ${installationId}`,
          httpStatus(error),
          error,
        );
      }
    };
    const cached = await request(forceRefresh);
    if (Date.parse(cached.expiresAt) - Date.now() > this.refreshMarginMs) return cached;
    return forceRefresh ? cached : request(true);
  }
}

/** The ETags of an earlier listing (JSON array), or none when absent or unreadable. */
function parseValidator(validator: string | undefined): string[] {
  if (!validator) return [];
  try {
    const parsed: unknown = JSON.parse(validator);
    return Array.isArray(parsed) && parsed.every((e) => typeof e === 'string' && e !== '')
      ? (parsed as string[])
      : [];
  } catch {
    return [];
  }
}

/** The write with its first 50 annotations, and the annotations left over. */
function splitAnnotations(write: CheckRunWrite): [CheckRunWrite, CheckRunAnnotation[]] {
  const all = write.output?.annotations ?? [];
  if (!write.output || all.length <= ANNOTATIONS_PER_REQUEST) return [write, []];
  return [
    { ...write, output: { ...write.output, annotations: all.slice(0, ANNOTATIONS_PER_REQUEST) } },
    all.slice(ANNOTATIONS_PER_REQUEST),
  ];
}

/** The port's write in GitHub's field names. */
function checkRunBody(write: CheckRunWrite) {
  return {
    ...(write.status ? { status: write.status } : {}),
    ...(write.conclusion ? { conclusion: write.conclusion } : {}),
    ...(write.externalId ? { external_id: write.externalId } : {}),
    ...(write.detailsUrl ? { details_url: write.detailsUrl } : {}),
    ...(write.output
      ? {
          output: {
            title: write.output.title,
            summary: write.output.summary,
            ...(write.output.text ? { text: write.output.text } : {}),
            ...(write.output.annotations?.length
              ? {
                  annotations: write.output.annotations.map((a) => ({
                    path: a.path,
                    start_line: a.startLine,
                    end_line: a.endLine,
                    annotation_level: a.level,
                    message: a.message,
                    ...(a.title ? { title: a.title } : {}),
                  })),
                }
              : {}),
          },
        }
      : {}),
  };
}

export function createOctokitGitHub(options: OctokitGitHubOptions): OctokitGitHub {
  return new OctokitGitHub(options);
}
