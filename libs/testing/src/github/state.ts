// The emulator's in-memory world: app, installations, tokens, repositories, PRs and what the
// app wrote (comments, statuses, check runs). Lookups throw GitHub-shaped 404s.
import { randomBytes } from 'node:crypto';
import { EmulatorClock } from './clock.js';
import { notFound } from './http-util.js';
import type { ShapeContext } from './shapes.js';
import type {
  AccountRecord,
  AppRecord,
  CheckRunRecord,
  CollaboratorPermission,
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
  /** Whole-second timestamps, like GitHub's; tests may freeze and step it. */
  readonly clock = new EmulatorClock();
  /** Roles set by tests, by repository and login (case-insensitive, like GitHub). */
  private readonly roles = new Map<string, CollaboratorPermission>();
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
    /** The App the emulator authenticates; replaced when a manifest conversion creates one. */
    public app: AppRecord,
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

  /** The account if the emulator has seen this login (GitHub answers 404 for unknown users). */
  findAccount(login: string): AccountRecord | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  setPermission(repo: RepoRecord, login: string, level: CollaboratorPermission): void {
    this.account(login);
    this.roles.set(roleKey(repo, login), level);
  }

  /** What a test set; otherwise the repository's owner is admin and everyone else has none. */
  permissionOf(repo: RepoRecord, login: string): CollaboratorPermission {
    const set = this.roles.get(roleKey(repo, login));
    if (set) return set;
    return repo.owner.login.toLowerCase() === login.toLowerCase() ? 'admin' : 'none';
  }

  addInstallation(id: number, account: AccountRecord): InstallationRecord {
    const installation: InstallationRecord = {
      id,
      account,
      permissions: { ...this.app.permissions },
      events: [...this.app.events],
      repositorySelection: 'all',
      createdAt: this.clock.now(),
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

  /**
   * Start repository ids at `first`: tests sharing one state store give each emulator its own
   * range, so two emulators' `acme/shop` are two repositories to Berth, as on GitHub.
   */
  startRepositoryIdsAt(first: number): void {
    this.seq.repo = first;
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

  /** An event changed the PR: updated_at becomes now (never earlier than it was). */
  touchPull(pr: PullRecord): string {
    const now = this.clock.now();
    // Same fixed-width format, so string order is time order.
    if (now > pr.updatedAt) pr.updatedAt = now;
    return pr.updatedAt;
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

const roleKey = (repo: RepoRecord, login: string): string =>
  `${repo.fullName.toLowerCase()}\u0000${login.toLowerCase()}`;

export function canAccess(token: TokenRecord, repo: RepoRecord): boolean {
  if (repo.installationId !== token.installationId) return false;
  return token.repositoryIds === undefined || token.repositoryIds.includes(repo.id);
}
