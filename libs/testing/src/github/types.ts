// In-memory records the emulator keeps. REST/webhook JSON is derived from these by shapes.ts,
// so one record always renders the same way everywhere (API response, webhook payload).

export interface AccountRecord {
  login: string;
  id: number;
  type: 'User' | 'Organization' | 'Bot';
}

/** A user's role on a repository (GitHub's role_name values for the base roles). */
export type CollaboratorPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  owner: AccountRecord;
  /** PEM (PKCS#1, like the key GitHub lets you download). */
  privateKey: string;
  publicKey: string;
  permissions: Record<string, string>;
  events: string[];
  createdAt: string;
}

export interface InstallationRecord {
  id: number;
  account: AccountRecord;
  permissions: Record<string, string>;
  events: string[];
  repositorySelection: 'all' | 'selected';
  createdAt: string;
}

export interface TokenRecord {
  token: string;
  installationId: number;
  /** Repository ids the token is limited to; undefined = every repository of the installation. */
  repositoryIds: number[] | undefined;
  permissions: Record<string, string>;
  expiresAt: number;
  createdAt: number;
}

export interface RepoRecord {
  id: number;
  owner: AccountRecord;
  name: string;
  fullName: string;
  description: string | null;
  private: boolean;
  fork: boolean;
  /** full_name of the parent for forks. */
  parentFullName: string | undefined;
  defaultBranch: string;
  installationId: number | undefined;
  /** Absolute path of the bare repository served by git http-backend. */
  gitDir: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  labels: Map<string, LabelRecord>;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
  isDefault: boolean;
}

export interface PullRecord {
  id: number;
  number: number;
  /** full_name of the base repository (where the PR lives). */
  baseRepo: string;
  /** full_name of the head repository (the base repo itself, or a fork). */
  headRepo: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergeCommitSha: string | null;
  author: AccountRecord;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface CommentRecord {
  id: number;
  repo: string;
  issueNumber: number;
  body: string;
  user: AccountRecord;
  createdAt: string;
  updatedAt: string;
  /** Reactions on the comment (POST …/issues/comments/:id/reactions), oldest first. */
  reactions?: ReactionRecord[];
}

export interface ReactionRecord {
  id: number;
  content: string;
  user: AccountRecord;
  createdAt: string;
}

export type CommitState = 'error' | 'failure' | 'pending' | 'success';

export interface StatusRecord {
  id: number;
  repo: string;
  sha: string;
  state: CommitState;
  targetUrl: string | null;
  description: string | null;
  context: string;
  creator: AccountRecord;
  createdAt: string;
  updatedAt: string;
}

export type CheckStatus =
  'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckConclusion =
  | 'action_required'
  | 'cancelled'
  | 'failure'
  | 'neutral'
  | 'success'
  | 'skipped'
  | 'stale'
  | 'timed_out';

export interface CheckRunRecord {
  id: number;
  repo: string;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation written so far: GitHub appends each write's annotations. */
  annotations: CheckAnnotationRecord[];
  appId: number;
}

export interface CheckAnnotationRecord {
  path: string;
  startLine: number;
  endLine: number;
  startColumn: number | null;
  endColumn: number | null;
  level: 'notice' | 'warning' | 'failure';
  title: string | null;
  message: string;
  rawDetails: string | null;
}

export type AuthKind = 'none' | 'app-jwt' | 'installation-token' | 'basic' | 'invalid';

export interface RequestLogEntry {
  /** 'api' for REST calls, 'git' for smart-HTTP git traffic. */
  kind: 'api' | 'git' | 'web';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body for API calls (undefined if none or not JSON). */
  body: unknown;
  status: number;
  auth: AuthKind;
  installationId: number | undefined;
  /** Set when fault injection produced the response. */
  injected: boolean;
  at: string;
}
