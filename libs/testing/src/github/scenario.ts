// Scenario helpers: make repositories and pull requests the way a developer would on GitHub
// (real commits in real bare repositories), then emit the matching webhooks.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  commitChanges,
  commitDirectory,
  initBare,
  mergeCommit,
  pushCommit,
  resolveCommit,
  updateRef,
  type FileChanges,
} from './git.js';
import type { EmulatorState } from './state.js';
import type { AccountRecord, PullRecord, RepoRecord } from './types.js';
import type { WebhookEmitter } from './webhook-emitter.js';

export interface CreateRepositoryOptions {
  owner: string;
  name: string;
  /** Directory to import (node_modules and .git skipped, .gitignore honoured). */
  fromDirectory?: string;
  /** Files for the first commit (used when fromDirectory is absent). */
  files?: Record<string, string>;
  defaultBranch?: string;
  private?: boolean;
  /** Installation that can see it; default: the installation on `owner`, created if missing. */
  installationId?: number;
  /** `false` leaves the app uninstalled on this repository. */
  installed?: boolean;
}

export interface OpenPullRequestOptions {
  repo: string | RepoRecord;
  branch: string;
  title: string;
  body?: string;
  labels?: string[];
  /** `true` → fork owned by the author (default `contributor`); a string names the fork owner. */
  fork?: boolean | string;
  author?: string;
  base?: string;
  draft?: boolean;
  changes?: FileChanges;
  /** Default true: send the `opened` webhook if a target is configured. */
  emit?: boolean;
}

export interface PushOptions {
  /** Rewrite history: the new commit's parent is the base branch tip, not the old head. */
  force?: boolean;
  message?: string;
  emit?: boolean;
}

const repoName = (repo: string | RepoRecord): string =>
  typeof repo === 'string' ? repo : repo.fullName;

export class Scenario {
  private nextInstallationId = 50_000_001;

  constructor(
    private readonly state: EmulatorState,
    private readonly projectRoot: string,
    private readonly webhooks: WebhookEmitter,
  ) {}

  async createRepository(options: CreateRepositoryOptions): Promise<RepoRecord> {
    if (!options.owner || !options.name) {
      throw new Error(
        'createRepository: "owner" and "name" are required (e.g. {owner: "acme", name: "shop"})',
      );
    }
    const branch = options.defaultBranch ?? 'main';
    const repo = await this.makeRepo(options.owner, options.name, {
      private: options.private ?? true,
      defaultBranch: branch,
      fork: false,
      parentFullName: undefined,
      installationId:
        options.installed === false
          ? undefined
          : (options.installationId ?? this.installationFor(options.owner)),
    });
    const sha = options.fromDirectory
      ? await commitDirectory(repo.gitDir, options.fromDirectory, 'Initial commit')
      : await commitChanges(
          repo.gitDir,
          undefined,
          options.files ?? { 'README.md': `# ${options.name}\n` },
          'Initial commit',
        );
    await updateRef(repo.gitDir, `refs/heads/${branch}`, sha);
    return repo;
  }

  /** A new commit on `branch` of `repo` (e.g. to move the base branch). Returns the SHA. */
  async commitToBranch(
    repo: string | RepoRecord,
    branch: string,
    changes: FileChanges,
    message = 'Update',
  ): Promise<string> {
    const record = this.state.repo(repoName(repo));
    const parent = await resolveCommit(record.gitDir, `refs/heads/${branch}`);
    const sha = await commitChanges(record.gitDir, parent, changes, message);
    await updateRef(record.gitDir, `refs/heads/${branch}`, sha);
    record.pushedAt = this.state.clock.now();
    // As on GitHub: every branch update is a `push` delivery to the installed App.
    if (record.installationId !== undefined) {
      await this.webhooks.emit(
        'push',
        this.webhooks.pushEvent(record, `refs/heads/${branch}`, parent ?? '0'.repeat(40), sha),
      );
    }
    return sha;
  }

  async openPullRequest(options: OpenPullRequestOptions): Promise<PullRecord> {
    const base = this.state.repo(repoName(options.repo));
    const baseRef = options.base ?? base.defaultBranch;
    const baseSha = await resolveCommit(base.gitDir, `refs/heads/${baseRef}`);
    if (!baseSha)
      throw new Error(
        `openPullRequest: base branch "${baseRef}" does not exist in ${base.fullName}`,
      );
    const forkOwner =
      options.fork === true ? (options.author ?? 'contributor') : options.fork || undefined;
    const author = this.state.account(options.author ?? forkOwner ?? 'octocat');
    const head = forkOwner ? await this.forkOf(base, forkOwner) : base;
    const headSha = await commitChanges(
      base.gitDir,
      baseSha,
      options.changes ?? { [`changes/${options.branch}.md`]: `${options.title}\n` },
      options.title,
    );
    const number = this.state.nextPullNumber(base);
    await this.publishHead(base, head, options.branch, number, headSha);
    const now = this.state.clock.now();
    const pr: PullRecord = {
      id: this.state.nextPullId(),
      number,
      baseRepo: base.fullName,
      headRepo: head.fullName,
      headRef: options.branch,
      headSha,
      baseRef,
      baseSha,
      title: options.title,
      body: options.body ?? null,
      state: 'open',
      draft: options.draft ?? false,
      merged: false,
      mergeCommitSha: null,
      author,
      labels: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
    };
    for (const label of options.labels ?? []) {
      this.state.ensureLabel(base, label);
      pr.labels.push(label);
    }
    this.state.addPull(pr);
    if (options.emit !== false)
      await this.webhooks.emit('pull_request', this.webhooks.pullRequestEvent('opened', pr));
    return pr;
  }

  /** A new commit on the PR's head branch; returns the new head SHA and sends `synchronize`. */
  async pushToPullRequest(
    pr: PullRecord,
    changes: FileChanges,
    options: PushOptions = {},
  ): Promise<string> {
    const base = this.state.repo(pr.baseRepo);
    const head = this.state.repo(pr.headRepo);
    const before = pr.headSha;
    const parent = options.force ? pr.baseSha : before;
    const sha = await commitChanges(
      base.gitDir,
      parent,
      changes,
      options.message ?? 'Update pull request',
    );
    await this.publishHead(base, head, pr.headRef, pr.number, sha);
    pr.headSha = sha;
    pr.baseSha = (await resolveCommit(base.gitDir, `refs/heads/${pr.baseRef}`)) ?? pr.baseSha;
    this.state.touchPull(pr);
    if (options.emit !== false) {
      await this.webhooks.emit(
        'pull_request',
        this.webhooks.pullRequestEvent('synchronize', pr, { before, after: sha }),
      );
    }
    return sha;
  }

  async addLabel(
    pr: PullRecord,
    label: string,
    options: { emit?: boolean; sender?: string } = {},
  ): Promise<void> {
    const base = this.state.repo(pr.baseRepo);
    this.state.ensureLabel(base, label);
    if (pr.labels.includes(label)) return;
    pr.labels.push(label);
    this.state.touchPull(pr);
    if (options.emit !== false) {
      await this.webhooks.emit(
        'pull_request',
        this.webhooks.pullRequestEvent('labeled', pr, { label, ...this.sender(options.sender) }),
      );
    }
  }

  async removeLabel(
    pr: PullRecord,
    label: string,
    options: { emit?: boolean; sender?: string } = {},
  ): Promise<void> {
    if (!pr.labels.includes(label)) return;
    pr.labels = pr.labels.filter((l) => l !== label);
    this.state.touchPull(pr);
    if (options.emit !== false) {
      await this.webhooks.emit(
        'pull_request',
        this.webhooks.pullRequestEvent('unlabeled', pr, { label, ...this.sender(options.sender) }),
      );
    }
  }

  async editPullRequest(
    pr: PullRecord,
    edit: { title?: string; body?: string; base?: string },
    options: { emit?: boolean } = {},
  ): Promise<void> {
    const changes: Record<string, unknown> = {};
    if (edit.title !== undefined && edit.title !== pr.title) {
      changes.title = { from: pr.title };
      pr.title = edit.title;
    }
    if (edit.body !== undefined && edit.body !== pr.body) {
      changes.body = { from: pr.body ?? '' };
      pr.body = edit.body;
    }
    if (edit.base !== undefined && edit.base !== pr.baseRef) {
      const base = this.state.repo(pr.baseRepo);
      const sha = await resolveCommit(base.gitDir, `refs/heads/${edit.base}`);
      if (!sha) throw new Error(`editPullRequest: base branch "${edit.base}" does not exist`);
      changes.base = { ref: { from: pr.baseRef }, sha: { from: pr.baseSha } };
      pr.baseRef = edit.base;
      pr.baseSha = sha;
    }
    this.state.touchPull(pr);
    if (options.emit !== false) {
      await this.webhooks.emit(
        'pull_request',
        this.webhooks.pullRequestEvent('edited', pr, { changes }),
      );
    }
  }

  /** Closes the PR; `merged: true` writes a real merge commit onto the base branch. */
  async closePullRequest(
    pr: PullRecord,
    options: { merged?: boolean; emit?: boolean } = {},
  ): Promise<void> {
    let mergeSha: string | undefined;
    if (options.merged) {
      const base = this.state.repo(pr.baseRepo);
      const tip = await resolveCommit(base.gitDir, `refs/heads/${pr.baseRef}`);
      if (!tip) throw new Error(`closePullRequest: base branch "${pr.baseRef}" is gone`);
      mergeSha = await mergeCommit(
        base.gitDir,
        tip,
        pr.headSha,
        `Merge pull request #${pr.number}`,
      );
      await updateRef(base.gitDir, `refs/heads/${pr.baseRef}`, mergeSha);
    }
    // One instant for closed_at, merged_at and updated_at, as on GitHub.
    const now = this.state.touchPull(pr);
    if (mergeSha) {
      pr.merged = true;
      pr.mergedAt = now;
      pr.mergeCommitSha = mergeSha;
    }
    pr.state = 'closed';
    pr.closedAt = now;
    if (options.emit !== false) {
      await this.webhooks.emit('pull_request', this.webhooks.pullRequestEvent('closed', pr));
    }
  }

  async reopenPullRequest(pr: PullRecord, options: { emit?: boolean } = {}): Promise<void> {
    if (pr.merged)
      throw new Error(`reopenPullRequest: #${pr.number} is merged and cannot be reopened`);
    pr.state = 'open';
    pr.closedAt = null;
    this.state.touchPull(pr);
    if (options.emit !== false) {
      await this.webhooks.emit('pull_request', this.webhooks.pullRequestEvent('reopened', pr));
    }
  }

  private sender(login: string | undefined): { sender?: AccountRecord } {
    return login ? { sender: this.state.account(login) } : {};
  }

  private installationFor(owner: string): number {
    for (const installation of this.state.installations.values()) {
      if (installation.account.login.toLowerCase() === owner.toLowerCase()) return installation.id;
    }
    return this.state.addInstallation(
      this.nextInstallationId++,
      this.state.account(owner, 'Organization'),
    ).id;
  }

  private async makeRepo(
    owner: string,
    name: string,
    fields: Pick<
      RepoRecord,
      'private' | 'defaultBranch' | 'fork' | 'parentFullName' | 'installationId'
    >,
  ): Promise<RepoRecord> {
    const gitDir = join(this.projectRoot, owner, `${name}.git`);
    await mkdir(join(this.projectRoot, owner), { recursive: true });
    const now = this.state.clock.now();
    const repo: RepoRecord = {
      id: this.state.nextRepoId(),
      owner: this.state.account(owner, fields.fork ? 'User' : 'Organization'),
      name,
      fullName: `${owner}/${name}`,
      description: null,
      gitDir,
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      labels: new Map(),
      ...fields,
    };
    this.state.addRepo(repo);
    await initBare(gitDir, fields.defaultBranch);
    return repo;
  }

  private async forkOf(base: RepoRecord, owner: string): Promise<RepoRecord> {
    const existing = this.state.repos.get(`${owner}/${base.name}`.toLowerCase());
    if (existing) return existing;
    const fork = await this.makeRepo(owner, base.name, {
      private: base.private,
      defaultBranch: base.defaultBranch,
      fork: true,
      parentFullName: base.fullName,
      installationId: undefined,
    });
    const tip = await resolveCommit(base.gitDir, `refs/heads/${base.defaultBranch}`);
    if (tip) await pushCommit(base.gitDir, fork.gitDir, tip, `refs/heads/${base.defaultBranch}`);
    return fork;
  }

  /** The head branch in the head repo, and `refs/pull/:n/head` in the base repo (like GitHub). */
  private async publishHead(
    base: RepoRecord,
    head: RepoRecord,
    branch: string,
    number: number,
    sha: string,
  ): Promise<void> {
    if (head === base) {
      await updateRef(base.gitDir, `refs/heads/${branch}`, sha);
    } else {
      await pushCommit(base.gitDir, head.gitDir, sha, `refs/heads/${branch}`);
      head.pushedAt = this.state.clock.now();
    }
    await updateRef(base.gitDir, `refs/pull/${number}/head`, sha);
    base.pushedAt = this.state.clock.now();
  }
}
