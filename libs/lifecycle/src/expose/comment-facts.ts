import {
  formatDuration,
  PIPELINE_STAGES,
  type PreviewCommentExpiry,
  type PreviewCommentInput,
  type PreviewCommentNote,
  type PreviewCommentService,
  type PreviewCommentStage,
  type PreviewCommentState,
  readImages,
  readWiring,
  type RevisionWiring,
  secretValuesOf,
} from '@berth/core';
import type { EnvironmentState, Revision, StageRun } from '@berth/db';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import type { ReportedEvent } from '../pipeline/status-reporter.js';

/** What the reporter passes in besides the state store rows. */
export interface CommentContext {
  /** Exposed service → its plain URL (never a share link: decision 0013). */
  links: Record<string, string>;
  /** Every secret value of the environment (`environmentSecretValues`); default: the wiring's. */
  secrets?: readonly string[];
  /** What it has cost so far (decision 0025); no line without it. */
  cost?: { total: number; measured: boolean };
  /** The last PR chat-op's answer (decision 0026): who, what, result. */
  lastCommand?: string;
  /** An older commit that still answers at `links` (decision 0038; `servingOlder`). */
  serving?: { sha: string; generation: number };
}

/**
 * The older revision still serving at the URLs while `revision` builds, or after it failed
 * before replacing any of its containers (decision 0038); none once it is ready or torn down.
 */
export function servingOlder(
  environment: Pick<EnvironmentWithRepository, 'state' | 'servingSha' | 'servingRevision'>,
  revision: Pick<Revision, 'generation'>,
): { sha: string; generation: number } | undefined {
  const { servingSha, servingRevision } = environment;
  if (servingSha === null || servingRevision === null) return undefined;
  if (servingRevision >= revision.generation) return undefined;
  return OLDER_SERVES.has(environment.state)
    ? { sha: servingSha, generation: servingRevision }
    : undefined;
}

const OLDER_SERVES: ReadonlySet<EnvironmentState> = new Set([
  'pending',
  'building',
  'provisioning',
  'failed',
]);

/** Which comment to render: the event decides, except `started`, where the state store does. */
export function commentState(state: EnvironmentState, event: ReportedEvent): PreviewCommentState {
  switch (event.kind) {
    case 'queued':
      return 'provisioning';
    case 'ttl':
    case 'sleep':
    case 'command':
      // A TTL change (decision 0020) or a sleep (0024) re-renders what the row says now.
      return state;
    case 'started':
      return event.stage === 'teardown'
        ? 'destroying'
        : state === 'provisioning'
          ? 'provisioning'
          : 'building';
    default:
      return event.kind;
  }
}

/**
 * The secrets one revision's wiring holds (generated, secret-named, inside URLs), for where the
 * rest of `environmentSecretValues` is not at hand (inside a stage, in a test's rendering).
 */
export function wiringSecrets(wiring: Partial<RevisionWiring>): string[] {
  return secretValuesOf({ wirings: [wiring] });
}

/** The latest attempt of each stage, in pipeline order, teardown last. */
export function stageRows(runs: readonly StageRun[]): PreviewCommentStage[] {
  const order: string[] = [...PIPELINE_STAGES, 'teardown'];
  const latest = new Map<string, StageRun>();
  for (const run of runs) {
    const seen = latest.get(run.stage);
    if (!seen || run.attempt > seen.attempt) latest.set(run.stage, run);
  }
  return [...latest.values()]
    .filter((run) => order.includes(run.stage))
    .sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage))
    .map((run) => ({
      stage: run.stage,
      status: run.status,
      durationMs: run.durationMs,
      error: run.errorMessage,
    }));
}

/** Per-service health from the replicate stage's details, when it has run. */
function replicatedHealth(runs: readonly StageRun[]): Record<string, string> {
  const run = [...runs]
    .filter((r) => r.stage === 'replicate' && r.status === 'succeeded')
    .sort((a, b) => b.attempt - a.attempt)[0];
  const services = (run?.details as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null) return {};
  const health: Record<string, string> = {};
  for (const [name, outcome] of Object.entries(services as Record<string, unknown>)) {
    const { healthy, state } = (outcome ?? {}) as { healthy?: unknown; state?: unknown };
    // The replicate stage says what it waited for: a one-shot "completed", not "healthy".
    if (typeof state === 'string' && state !== 'starting') health[name] = state;
    else health[name] = healthy === true ? 'healthy' : healthy === false ? 'unhealthy' : 'running';
  }
  return health;
}

/** The replicate stage's `clamped` lines: limits lowered to the repository's ceilings. */
export function clampNotices(runs: readonly StageRun[]): string[] {
  const run = [...runs]
    .filter((r) => r.stage === 'replicate' && r.status === 'succeeded')
    .sort((a, b) => b.attempt - a.attempt)[0];
  const clamped = (run?.details as { clamped?: unknown } | null)?.clamped;
  return Array.isArray(clamped) ? clamped.filter((c): c is string => typeof c === 'string') : [];
}

/** What happened to the database's data this generation (the wire stage's decision). */
export function databaseNote(runs: readonly StageRun[]): string | undefined {
  const run = [...runs]
    .filter((r) => r.stage === 'wire' && r.status === 'succeeded')
    .sort((a, b) => b.attempt - a.attempt)[0];
  const note = (run?.details as { database?: { note?: unknown } } | null)?.database?.note;
  return typeof note === 'string' ? note : undefined;
}

/** Which services are the PR's own and which the base environment's (a deliberate, labelled choice). */
export function shapeNote(shape: NonNullable<ReturnType<typeof readWiring>['shape']>): string {
  const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
  return (
    `preview:${shape.name}: ${list(shape.own)} ${shape.own.length === 1 ? 'runs' : 'run'} in this preview; ` +
    `${list(shape.borrowed)} ${shape.borrowed.length === 1 ? 'is' : 'are'} the base environment's ` +
    `(${shape.base.branch} at ${shape.base.headSha.slice(0, 7)}), shared with every frontend-only preview: ` +
    `what you write there, they see`
  );
}

function fallbackStatus(state: PreviewCommentState): string {
  switch (state) {
    case 'ready':
      return 'running';
    case 'failed':
      return 'not running';
    case 'provisioning':
      return 'starting';
    default:
      return 'waiting';
  }
}

export function serviceRows(
  revision: Revision,
  state: PreviewCommentState,
  runs: readonly StageRun[],
): PreviewCommentService[] {
  const images = readImages(revision.images);
  const wiring = readWiring(revision.wiring);
  const names = new Set([...Object.keys(wiring.spec?.services ?? {}), ...Object.keys(images)]);
  const health = replicatedHealth(runs);
  return [...names].map((name) => {
    const image = images[name];
    return {
      name,
      status: health[name] ?? fallbackStatus(state),
      ...(image ? { source: image.source, durationMs: image.durationMs } : {}),
    };
  });
}

/** `labelNotes` is JSON written by the trigger: `{label?, message}` objects or plain strings. */
export function labelNotes(raw: unknown): PreviewCommentNote[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((note): PreviewCommentNote[] => {
    if (typeof note === 'string') return [{ message: note }];
    if (typeof note !== 'object' || note === null) return [];
    const { label, message } = note as { label?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    return [typeof label === 'string' ? { label, message } : { message }];
  });
}

/** Everything the comment shows, from the rows the stage runner re-read. */
export function commentInput(
  environment: EnvironmentWithRepository,
  revision: Revision,
  event: ReportedEvent,
  runs: readonly StageRun[],
  context: CommentContext,
): PreviewCommentInput {
  const wiring = readWiring(revision.wiring);
  const state = commentState(environment.state, event);
  return {
    state,
    repo: environment.repository.fullName,
    pr: environment.prNumber,
    headSha: revision.headSha,
    generation: revision.generation,
    urls: context.links,
    access: wiring.public ? 'public' : 'private',
    services: serviceRows(revision, state, runs),
    stages: stageRows(runs),
    notices: clampNotices(runs),
    ...(databaseNote(runs) ? { database: databaseNote(runs) } : {}),
    ...(wiring.shape ? { shape: shapeNote(wiring.shape) } : {}),
    labelNotes: labelNotes(environment.labelNotes),
    ...(event.kind === 'ttl' || event.kind === 'sleep' || event.kind === 'command'
      ? {}
      : { event }),
    ...(expiryFacts(environment) ? { expiry: expiryFacts(environment) } : {}),
    ...(environment.sleptAt && state === 'ready'
      ? { asleep: { since: environment.sleptAt.toISOString() } }
      : {}),
    ...(context.cost ? { cost: context.cost } : {}),
    ...(context.lastCommand ? { lastCommand: context.lastCommand } : {}),
    ...(context.serving ? { serving: context.serving } : {}),
    secrets: context.secrets ?? wiringSecrets(wiring),
  };
}

/**
 * The TTL's part of the comment (decision 0020), from the row: a warning while the announced
 * expiry is still the current one, or the expiry of a preview torn down for age on an open PR.
 */
export function expiryFacts(
  environment: Pick<
    EnvironmentWithRepository,
    | 'state'
    | 'closedAt'
    | 'expiresAt'
    | 'expiredAt'
    | 'ttlWarnedFor'
    | 'ttlMs'
    | 'ttlLabelMs'
    | 'ttlExtendedUntil'
  >,
): PreviewCommentExpiry | undefined {
  const { expiresAt, ttlWarnedFor, ttlLabelMs, ttlExtendedUntil } = environment;
  if (!expiresAt || environment.closedAt !== null) return undefined;
  const gone = environment.state === 'destroying' || environment.state === 'destroyed';
  let phase: PreviewCommentExpiry['phase'];
  if (environment.expiredAt !== null && gone) phase = 'expired';
  else if (
    !gone &&
    environment.expiredAt === null &&
    ttlWarnedFor?.getTime() === expiresAt.getTime()
  ) {
    phase = 'warning';
  } else return undefined;
  const ttlMs = environment.ttlMs ?? ttlLabelMs;
  const extended = ttlExtendedUntil !== null && ttlExtendedUntil.getTime() >= expiresAt.getTime();
  return {
    phase,
    expiresAt: expiresAt.toISOString(),
    ttl: ttlMs === null ? 'its TTL' : formatDuration(ttlMs),
    source: extended ? 'extension' : ttlLabelMs !== null ? 'label' : 'default',
    ...(ttlLabelMs !== null ? { labelled: true } : {}),
    ...(ttlLabelMs !== null && ttlMs !== null && ttlMs < ttlLabelMs ? { capped: true } : {}),
  };
}
