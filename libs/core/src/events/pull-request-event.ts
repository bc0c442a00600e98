import { z } from 'zod';

/** The `pull_request` actions Berth acts on; any other action is recorded as ignored. */
export const HANDLED_ACTIONS = [
  'opened',
  'reopened',
  'synchronize',
  'labeled',
  'unlabeled',
  'closed',
  'edited',
] as const;
export type HandledAction = (typeof HANDLED_ACTIONS)[number];

export function isHandledAction(action: unknown): action is HandledAction {
  return typeof action === 'string' && (HANDLED_ACTIONS as readonly string[]).includes(action);
}

/** A bad payload: the API answers 400 with this message (it names the field). */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/i;
const id = z.number().int().positive();
const text = z.string().min(1);

/** The repository object every App webhook carries (the fields Berth reads). */
export const repositorySchema = z.object({
  id,
  full_name: text,
  name: text,
  owner: z.object({ login: text }),
  clone_url: z.url(),
  default_branch: text,
});

// Only the fields Berth uses are validated; GitHub's payloads carry many more.
export const sha = z.string().regex(SHA, 'must be a full 40- or 64-hex commit SHA');

const payloadSchema = z.object({
  action: z.enum(HANDLED_ACTIONS),
  number: id,
  // synchronize: the head before and after the push (an ordering fact; see ordering.ts).
  before: sha.optional(),
  after: sha.optional(),
  pull_request: z.object({
    number: id,
    state: z.enum(['open', 'closed']),
    // GitHub's own clock for the PR (1 s resolution): the ordering fact every action carries.
    updated_at: z.iso.datetime({
      offset: true,
      error: (issue) =>
        issue.input === undefined ? 'is required' : 'must be an ISO-8601 timestamp',
    }),
    merged: z.boolean().nullish(),
    head: z.object({
      ref: text,
      sha,
      // null when the fork was deleted: still a fork, never trusted.
      repo: z.object({ id }).nullable(),
    }),
    base: z.object({ ref: text, repo: z.object({ id }) }),
    labels: z.array(z.object({ name: z.string() })),
  }),
  repository: repositorySchema,
  installation: z.object({ id }, { error: 'is required (is the webhook an App webhook?)' }),
  label: z.object({ name: z.string() }).optional(),
  sender: z.object({ login: text }),
});

/** What the trigger needs from a `pull_request` delivery, validated and flattened. */
export interface PullRequestEvent {
  action: HandledAction;
  prNumber: number;
  headSha: string;
  branch: string;
  baseBranch: string;
  /** The head lives in another repository (or a deleted one). */
  isFork: boolean;
  /** Label names on the PR after this event. */
  labels: string[];
  /** labeled/unlabeled: the label added or removed. */
  label?: string;
  merged: boolean;
  /** `pull_request.updated_at` in ms since the epoch (1 s resolution, GitHub's clock). */
  updatedAt: number;
  /** synchronize: the head SHA before this push. */
  before?: string;
  /** The user whose action caused the event (who added a label, pushed, closed). */
  sender: string;
  repository: {
    providerId: number;
    fullName: string;
    owner: string;
    name: string;
    cloneUrl: string;
    defaultBranch: string;
    installationId: number;
  };
}

/** Validates a `pull_request` payload; throws PayloadError naming every bad field. */
export function parsePullRequestEvent(payload: unknown): PullRequestEvent {
  const result = payloadSchema.safeParse(payload);
  if (!result.success) {
    throw payloadError('pull_request', result.error);
  }
  const p = result.data;
  const pr = p.pull_request;
  if (pr.number !== p.number) {
    throw new PayloadError(
      `invalid pull_request payload: number ${p.number} differs from pull_request.number ${pr.number}`,
    );
  }
  if ((p.action === 'labeled' || p.action === 'unlabeled') && !p.label) {
    throw new PayloadError(`invalid pull_request payload: label: is required for ${p.action}`);
  }
  return {
    action: p.action,
    prNumber: p.number,
    headSha: pr.head.sha.toLowerCase(),
    branch: pr.head.ref,
    baseBranch: pr.base.ref,
    isFork: pr.head.repo === null || pr.head.repo.id !== pr.base.repo.id,
    labels: pr.labels.map((l) => l.name),
    ...(p.label ? { label: p.label.name } : {}),
    merged: pr.merged === true,
    updatedAt: Date.parse(pr.updated_at),
    ...(p.before ? { before: p.before.toLowerCase() } : {}),
    sender: p.sender.login,
    repository: repositoryOf(p.repository, p.installation.id),
  };
}

/** A PayloadError naming every bad field of a `kind` delivery (missing ones "is required"). */
export function payloadError(kind: string, error: z.ZodError): PayloadError {
  const problems = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return `${path}: ${missing ? 'is required' : issue.message}`;
  });
  return new PayloadError(`invalid ${kind} payload: ${problems.join('; ')}`);
}

/** The repository as events carry it, from a validated `repository` and the installation. */
export function repositoryOf(
  repository: z.infer<typeof repositorySchema>,
  installationId: number,
): PullRequestEvent['repository'] {
  return {
    providerId: repository.id,
    fullName: repository.full_name,
    owner: repository.owner.login,
    name: repository.name,
    cloneUrl: repository.clone_url,
    defaultBranch: repository.default_branch,
    installationId,
  };
}
