// Pure renderers from records to GitHub's REST JSON (the same objects appear in webhook
// payloads). Field names and nesting follow docs.github.com/rest; URLs point at the emulator.
import type {
  AccountRecord,
  AppRecord,
  CheckAnnotationRecord,
  CheckRunRecord,
  CommentRecord,
  InstallationRecord,
  LabelRecord,
  PullRecord,
  RepoRecord,
  StatusRecord,
} from './types.js';

export interface ShapeContext {
  /** Emulator origin, e.g. http://127.0.0.1:PORT (stands in for both api.github.com and github.com). */
  baseUrl: string;
  app: AppRecord;
  repo(fullName: string): RepoRecord;
}

export type Json = Record<string, unknown>;

function nodeId(prefix: string, id: number): string {
  return `${prefix}_kgDO${Buffer.from(String(id)).toString('base64url')}`;
}

export function userJson(ctx: ShapeContext, user: AccountRecord): Json {
  const api = `${ctx.baseUrl}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(
      user.type === 'Organization' ? 'O' : user.type === 'Bot' ? 'BOT' : 'U',
      user.id,
    ),
    avatar_url: `${ctx.baseUrl}/avatars/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${ctx.baseUrl}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The `[bot]` user that acts for the app (author of its comments and statuses). */
export function botAccount(app: AppRecord): AccountRecord {
  return { login: `${app.slug}[bot]`, id: app.id + 40_000_000, type: 'Bot' };
}

export function repositoryJson(ctx: ShapeContext, repo: RepoRecord): Json {
  const api = `${ctx.baseUrl}/repos/${repo.fullName}`;
  const json: Json = {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: userJson(ctx, repo.owner),
    html_url: `${ctx.baseUrl}/${repo.fullName}`,
    description: repo.description,
    fork: repo.fork,
    url: api,
    pulls_url: `${api}/pulls{/number}`,
    issues_url: `${api}/issues{/number}`,
    statuses_url: `${api}/statuses/{sha}`,
    labels_url: `${api}/labels{/name}`,
    git_url: `${ctx.baseUrl.replace(/^http/, 'git')}/${repo.fullName}.git`,
    ssh_url: `git@${new URL(ctx.baseUrl).host}:${repo.fullName}.git`,
    clone_url: `${ctx.baseUrl}/${repo.fullName}.git`,
    svn_url: `${ctx.baseUrl}/${repo.fullName}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    forks_count: 0,
    archived: false,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
  };
  return json;
}

/** GET /repos/:owner/:repo adds parent/source for forks. */
export function fullRepositoryJson(ctx: ShapeContext, repo: RepoRecord): Json {
  const json = repositoryJson(ctx, repo);
  if (repo.parentFullName) {
    const parent = repositoryJson(ctx, ctx.repo(repo.parentFullName));
    json.parent = parent;
    json.source = parent;
  }
  return json;
}

export function labelJson(ctx: ShapeContext, repo: RepoRecord, label: LabelRecord): Json {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${ctx.baseUrl}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.isDefault,
    description: label.description,
  };
}

function branchJson(ctx: ShapeContext, repo: RepoRecord, ref: string, sha: string): Json {
  return {
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: userJson(ctx, repo.owner),
    repo: repositoryJson(ctx, repo),
  };
}

export function pullRequestJson(ctx: ShapeContext, pr: PullRecord): Json {
  const base = ctx.repo(pr.baseRepo);
  const head = ctx.repo(pr.headRepo);
  const api = `${ctx.baseUrl}/repos/${base.fullName}`;
  const html = `${ctx.baseUrl}/${base.fullName}/pull/${pr.number}`;
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId('PR', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(ctx, pr.author),
    body: pr.body,
    labels: pr.labels.map((name) => {
      const label = base.labels.get(name);
      if (!label) throw new Error(`label ${name} missing from ${base.fullName}`);
      return labelJson(ctx, base, label);
    }),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchJson(ctx, head, pr.headRef, pr.headSha),
    base: branchJson(ctx, base, pr.baseRef, pr.baseSha),
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: pr.author.login === base.owner.login ? 'OWNER' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: pr.draft,
    merged: pr.merged,
    mergeable: pr.state === 'open' ? true : null,
    rebaseable: pr.state === 'open' ? true : null,
    mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** Fields only GET …/pulls/{n} has: the list endpoint returns GitHub's "simple" pull request. */
const FULL_ONLY = [
  'merged',
  'mergeable',
  'rebaseable',
  'mergeable_state',
  'merged_by',
  'comments',
  'review_comments',
  'maintainer_can_modify',
  'commits',
  'additions',
  'deletions',
  'changed_files',
];

/** A pull request as GET /repos/:o/:r/pulls lists it (no `merged`: read `merged_at`). */
export function simplePullRequestJson(ctx: ShapeContext, pr: PullRecord): Json {
  const json = pullRequestJson(ctx, pr);
  for (const key of FULL_ONLY) delete json[key];
  return json;
}

export function commentJson(ctx: ShapeContext, comment: CommentRecord): Json {
  const api = `${ctx.baseUrl}/repos/${comment.repo}`;
  return {
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${ctx.baseUrl}/${comment.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    user: userJson(ctx, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: 'NONE',
    body: comment.body,
    reactions: {
      url: `${api}/issues/comments/${comment.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    performed_via_github_app: comment.user.type === 'Bot' ? appJson(ctx, ctx.app) : null,
  };
}

export function statusJson(ctx: ShapeContext, status: StatusRecord): Json {
  return {
    url: `${ctx.baseUrl}/repos/${status.repo}/statuses/${status.sha}`,
    avatar_url: `${ctx.baseUrl}/avatars/u/${status.creator.id}?v=4`,
    id: status.id,
    node_id: nodeId('SC', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
    creator: userJson(ctx, status.creator),
  };
}

export function checkRunJson(ctx: ShapeContext, run: CheckRunRecord): Json {
  const api = `${ctx.baseUrl}/repos/${run.repo}`;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('CR', run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${ctx.baseUrl}/${run.repo}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: run.id + 7_000_000 },
    app: appJson(ctx, ctx.app),
    pull_requests: [],
  };
}

export function checkAnnotationJson(run: CheckRunRecord, a: CheckAnnotationRecord): Json {
  return {
    path: a.path,
    blob_href: `${run.repo}/blob/${run.headSha}/${a.path}`,
    start_line: a.startLine,
    end_line: a.endLine,
    start_column: a.startColumn,
    end_column: a.endColumn,
    annotation_level: a.level,
    title: a.title,
    message: a.message,
    raw_details: a.rawDetails,
  };
}

export function appJson(ctx: ShapeContext, app: AppRecord): Json {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('A', app.id),
    client_id: `Iv23li${String(app.id).padStart(14, '0')}`,
    owner: userJson(ctx, app.owner),
    name: app.name,
    description: 'Berth preview environments (emulated)',
    external_url: ctx.baseUrl,
    html_url: `${ctx.baseUrl}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: app.permissions,
    events: app.events,
    installations_count: 1,
  };
}

export function installationJson(
  ctx: ShapeContext,
  app: AppRecord,
  installation: InstallationRecord,
): Json {
  return {
    id: installation.id,
    account: userJson(ctx, installation.account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${ctx.baseUrl}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${ctx.baseUrl}/installation/repositories`,
    html_url: `${ctx.baseUrl}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: installation.permissions,
    events: installation.events,
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
