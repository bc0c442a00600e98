// Sends the webhook GitHub would send after a scenario step, if a target is configured, and
// keeps a log of deliveries for assertions.
import {
  type CheckRunAction,
  checkRunPayload,
  pullRequestPayload,
  type PullRequestAction,
} from '../webhooks/payloads.js';
import { sendWebhook, type WebhookResponse } from '../webhooks/send.js';
import {
  checkRunJson,
  commentJson,
  labelJson,
  pullRequestJson,
  repositoryJson,
  userJson,
} from './shapes.js';
import type { EmulatorState } from './state.js';
import type {
  AccountRecord,
  CheckRunRecord,
  CommentRecord,
  PullRecord,
  RepoRecord,
} from './types.js';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface DeliveryRecord {
  event: string;
  action: string | undefined;
  deliveryId: string;
  payload: Record<string, unknown>;
  /** Undefined when the request failed before a response (see `error`). */
  response: WebhookResponse | undefined;
  error: string | undefined;
}

export interface PullRequestEventExtras {
  label?: string;
  changes?: Record<string, unknown>;
  before?: string;
  after?: string;
  sender?: AccountRecord;
}

export class WebhookEmitter {
  target: WebhookTarget | undefined;
  readonly deliveries: DeliveryRecord[] = [];

  constructor(private readonly state: EmulatorState) {}

  /** Builds the payload GitHub would send for `action` on `pr` (no network). */
  pullRequestEvent(
    action: PullRequestAction,
    pr: PullRecord,
    extras: PullRequestEventExtras = {},
  ): Record<string, unknown> {
    const shapes = this.state.shapeContext();
    const base = this.state.repo(pr.baseRepo);
    if (base.installationId === undefined) {
      throw new Error(`repository ${base.fullName} has no installation; webhooks need one`);
    }
    return pullRequestPayload({
      action,
      pullRequest: pullRequestJson(shapes, pr),
      repository: repositoryJson(shapes, base),
      installationId: base.installationId,
      sender: userJson(shapes, extras.sender ?? pr.author),
      ...(extras.label
        ? { label: labelJson(shapes, base, this.state.ensureLabel(base, extras.label)) }
        : {}),
      ...(extras.changes ? { changes: extras.changes } : {}),
      ...(extras.before ? { before: extras.before } : {}),
      ...(extras.after ? { after: extras.after } : {}),
    });
  }

  /**
   * The `push` payload GitHub sends when `ref` of `repo` moves from `before` to `after` (the
   * fields Berth reads, as GitHub spells them: `repository.pushed_at` is Unix seconds here).
   */
  pushEvent(
    repo: RepoRecord,
    ref: string,
    before: string,
    after: string,
    sender?: AccountRecord,
  ): Record<string, unknown> {
    const shapes = this.state.shapeContext();
    if (repo.installationId === undefined) {
      throw new Error(`repository ${repo.fullName} has no installation; webhooks need one`);
    }
    const pusher = sender ?? this.state.account('octocat');
    return {
      ref,
      before,
      after,
      created: /^0+$/.test(before),
      deleted: /^0+$/.test(after),
      forced: false,
      compare: `${shapes.baseUrl}/repos/${repo.fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits: [],
      head_commit: null,
      repository: {
        ...(repositoryJson(shapes, repo) as Record<string, unknown>),
        pushed_at: Math.floor(Date.parse(repo.pushedAt) / 1000),
      },
      pusher: { name: pusher.login, email: null },
      installation: { id: repo.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u' },
      sender: userJson(shapes, pusher),
    };
  }

  /**
   * The `check_run` payload GitHub sends for `action` on `run`. As on GitHub, `pull_requests`
   * lists the open pull requests whose head is this commit in the same repository (a fork's pull
   * request is not listed), and `check_suite` carries the head branch and SHA.
   */
  checkRunEvent(
    action: CheckRunAction,
    run: CheckRunRecord,
    sender?: AccountRecord,
  ): Record<string, unknown> {
    const shapes = this.state.shapeContext();
    const repo = this.state.repo(run.repo);
    if (repo.installationId === undefined) {
      throw new Error(`repository ${repo.fullName} has no installation; webhooks need one`);
    }
    const pulls = [...this.state.pulls.values()].filter(
      (pr) =>
        pr.baseRepo === repo.fullName &&
        pr.headRepo === repo.fullName &&
        pr.headSha === run.headSha &&
        pr.state === 'open',
    );
    const api = `${shapes.baseUrl}/repos/${repo.fullName}`;
    const repoRef = { id: repo.id, url: api, name: repo.name };
    const json = checkRunJson(shapes, run) as Record<string, unknown>;
    return checkRunPayload({
      action,
      checkRun: {
        ...json,
        check_suite: {
          ...(json.check_suite as Record<string, unknown>),
          head_branch: pulls[0]?.headRef ?? null,
          head_sha: run.headSha,
          status: run.status,
          conclusion: run.conclusion,
          app: json.app,
        },
        pull_requests: pulls.map((pr) => ({
          url: `${api}/pulls/${pr.number}`,
          id: pr.id,
          number: pr.number,
          head: { ref: pr.headRef, sha: pr.headSha, repo: repoRef },
          base: { ref: pr.baseRef, sha: pr.baseSha, repo: repoRef },
        })),
      },
      repository: repositoryJson(shapes, repo),
      installationId: repo.installationId,
      sender: userJson(shapes, sender ?? this.state.account('octocat')),
    });
  }

  /**
   * The `issue_comment` payload GitHub sends for `action` on `comment` of pull request `pr`
   * (`issue.pull_request` is what tells a PR's comment from a plain issue's).
   */
  issueCommentEvent(
    action: 'created' | 'edited' | 'deleted',
    pr: PullRecord,
    comment: CommentRecord,
  ): Record<string, unknown> {
    const shapes = this.state.shapeContext();
    const base = this.state.repo(pr.baseRepo);
    if (base.installationId === undefined) {
      throw new Error(`repository ${base.fullName} has no installation; webhooks need one`);
    }
    const json = pullRequestJson(shapes, pr) as Record<string, unknown>;
    const api = `${shapes.baseUrl}/repos/${base.fullName}`;
    return {
      action,
      issue: {
        url: `${api}/issues/${pr.number}`,
        id: json.id,
        number: pr.number,
        title: json.title,
        user: json.user,
        state: json.state,
        body: json.body ?? null,
        pull_request: {
          url: `${api}/pulls/${pr.number}`,
          html_url: json.html_url,
          diff_url: `${String(json.html_url)}.diff`,
          patch_url: `${String(json.html_url)}.patch`,
        },
      },
      comment: commentJson(shapes, comment),
      repository: repositoryJson(shapes, base),
      installation: { id: base.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u' },
      sender: userJson(shapes, comment.user),
    };
  }

  /** Sends `event`; `deliveryId` repeats an earlier delivery (GitHub's "Redeliver" keeps it). */
  async emit(
    event: string,
    payload: Record<string, unknown>,
    deliveryId?: string,
  ): Promise<DeliveryRecord | undefined> {
    if (!this.target) return undefined;
    const action = typeof payload.action === 'string' ? payload.action : undefined;
    let record: DeliveryRecord;
    try {
      const response = await sendWebhook({
        url: this.target.url,
        secret: this.target.secret,
        event,
        payload,
        ...(deliveryId ? { deliveryId } : {}),
      });
      record = {
        event,
        action,
        deliveryId: response.deliveryId,
        payload,
        response,
        error: undefined,
      };
    } catch (error) {
      record = {
        event,
        action,
        deliveryId: '',
        payload,
        response: undefined,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    this.deliveries.push(record);
    return record;
  }
}
