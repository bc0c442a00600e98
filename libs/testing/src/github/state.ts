// The emulator's in-memory world: app, installations, tokens, repositories, PRs and what the
// app wrote (comments, statuses, check runs). Lookups throw GitHub-shaped 404s.
import { randomBytes } from 'node:crypto';
import { notFound } from './http-util.js';
import type { ShapeContext } from './shapes.js';
import type {
  AccountRecord,
  AppRecord,
  CheckRunRecord,
  CommentRecord,
  InstallationRecord,
  LabelRecord,
  PullRecord,
  RepoRecord,
  StatusRecord,
  TokenRecord,
} from './types.js';

export class EmulatorState {
  readonly installations = new Map<number, InstallationRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly repos = new Map<string, RepoRecord>();
  readonly pulls = new Map<string, PullRecord>();
  readonly comments = new Map<number, CommentRecord>();
  readonly statuses: StatusRecord[] = [];
  readonly checkRuns = new Map<number, CheckRunRecord>();
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly nextNumber = new Map<string, number>();
  private seq = {
    repo: 700_000_001,
    pr: 2_100_000_001,
    comment: 3_100_000_001,
    status: 41_000_000_001,
    check: 32_000_000_001,
    label: 8_100_000_001,
    account: 1_000_001,
  };

  constructor(
    readonly app: AppRecord,
    private readonly baseUrl: () => string,
    readonly tokenTtlSeconds: number,
  ) {}

  shapeContext(): ShapeContext {
    return { baseUrl: this.baseUrl(), app: this.app, repo: (name) => this.repo(name) };
  }

  account(login: string, type: AccountRecord['type'] = 'User'): AccountRecord {
    const existing = this.accounts.get(login.toLowerCase());
    if (existing) return existing;
    const created: AccountRecord = { login, id: this.seq.account++, type };
    this.accounts.set(login.toLowerCase(), created);
    return created;
  }

  addInstallation(id: number, account: AccountRecord): InstallationRecord {
    const installation: InstallationRecord = {
      id,
      account,
      permissions: { ...this.app.permissions },
      events: [...this.app.events],
      repositorySelection: 'all',
      createdAt: new Date().toISOString(),
    };
    this.installations.set(id, installation);
    return installation;
  }

  installation(id: number): InstallationRecord {
    const found = this.installations.get(id);
    if (!found) throw notFound();
    return found;
  }

  issueToken(installationId: number, repositoryIds: number[] | undefined): TokenRecord {
    const now = Date.now();
    const record: TokenRecord = {
      token: `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'A').slice(0, 36)}`,
      installationId,
      repositoryIds,
      permissions: { ...this.installation(installationId).permissions },
      createdAt: now,
      expiresAt: now + this.tokenTtlSeconds * 1000,
    };
    this.tokens.set(record.token, record);
    return record;
  }

  /** The token if it exists and has not expired. */
  liveToken(token: string): TokenRecord | undefined {
    const record = this.tokens.get(token);
    return record && record.expiresAt > Date.now() ? record : undefined;
  }

  repo(fullName: string): RepoRecord {
    const found = this.repos.get(fullName.toLowerCase());
    if (!found) throw notFound();
    return found;
  }

  /** The repository if `token` may see it; GitHub answers 404 (not 403) otherwise. */
  repoFor(token: TokenRecord, owner: string, name: string): RepoRecord {
    const repo = this.repo(`${owner}/${name}`);
    if (!canAccess(token, repo)) throw notFound();
    return repo;
  }

  addRepo(repo: RepoRecord): void {
    if (this.repos.has(repo.fullName.toLowerCase())) {
      throw new Error(`repository ${repo.fullName} already exists in the emulator`);
    }
    this.repos.set(repo.fullName.toLowerCase(), repo);
  }

  nextRepoId(): number {
    return this.seq.repo++;
  }

  /** PRs and issues share one number sequence per repository, like GitHub. */
  nextPullNumber(repo: RepoRecord): number {
    const n = this.nextNumber.get(repo.fullName) ?? 1;
    this.nextNumber.set(repo.fullName, n + 1);
    return n;
  }

  nextPullId(): number {
    return this.seq.pr++;
  }

  pull(repo: RepoRecord, number: number): PullRecord {
    const found = this.pulls.get(`${repo.fullName.toLowerCase()}#${number}`);
    if (!found) throw notFound();
    return found;
  }

  addPull(pr: PullRecord): void {
    this.pulls.set(`${pr.baseRepo.toLowerCase()}#${pr.number}`, pr);
  }

  ensureLabel(repo: RepoRecord, name: string, color = 'ededed'): LabelRecord {
    const existing = repo.labels.get(name);
    if (existing) return existing;
    const label: LabelRecord = {
      id: this.seq.label++,
      name,
      color,
      description: null,
      isDefault: false,
    };
    repo.labels.set(name, label);
    return label;
  }

  nextCommentId(): number {
    return this.seq.comment++;
  }

  nextStatusId(): number {
    return this.seq.status++;
  }

  nextCheckRunId(): number {
    return this.seq.check++;
  }
}

export function canAccess(token: TokenRecord, repo: RepoRecord): boolean {
  if (repo.installationId !== token.installationId) return false;
  return token.repositoryIds === undefined || token.repositoryIds.includes(repo.id);
}
