import type { Environment, Repository, Revision, StageRun } from '@berth/db';

/** What the list shows per environment. */
export interface EnvironmentSummary {
  id: string;
  repository: string;
  prNumber: number;
  branch: string;
  baseBranch: string;
  isFork: boolean;
  state: string;
  generation: number;
  headSha: string;
  createdAt: string;
  updatedAt: string;
  readyAt: string | null;
  closedAt: string | null;
  destroyedAt: string | null;
  expiresAt: string | null;
}

export interface StageView {
  stage: string;
  status: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

export interface ServiceView {
  name: string;
  image: string;
  source: string;
}

export interface EnvironmentDetail extends EnvironmentSummary {
  config: unknown;
  labelNotes: unknown;
  /** The current generation's stage runs, oldest first. */
  stages: StageView[];
  services: ServiceView[];
  /** Exposed service → public URL. */
  urls: Record<string, string>;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function environmentSummary(
  env: Environment & { repository: Repository },
): EnvironmentSummary {
  return {
    id: env.id,
    repository: env.repository.fullName,
    prNumber: env.prNumber,
    branch: env.branch,
    baseBranch: env.baseBranch,
    isFork: env.isFork,
    state: env.state,
    generation: env.generation,
    headSha: env.headSha,
    createdAt: env.createdAt.toISOString(),
    updatedAt: env.updatedAt.toISOString(),
    readyAt: iso(env.readyAt),
    closedAt: iso(env.closedAt),
    destroyedAt: iso(env.destroyedAt),
    expiresAt: iso(env.expiresAt),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Names, tags and sources from `Revision.images`; nothing else of it. */
export function servicesOf(images: unknown): ServiceView[] {
  if (!isRecord(images)) return [];
  return Object.entries(images)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .map(([name, image]) => ({
      name,
      image: typeof image['tag'] === 'string' ? image['tag'] : '',
      source: typeof image['source'] === 'string' ? image['source'] : 'unknown',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Only `wiring.urls`, string values only. The rest of the wiring (per-service environments)
 * holds generated credentials and must never leave the control plane.
 */
export function urlsOf(wiring: unknown): Record<string, string> {
  const urls = isRecord(wiring) ? wiring['urls'] : undefined;
  if (!isRecord(urls)) return {};
  return Object.fromEntries(
    Object.entries(urls).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

export function stageView(run: StageRun): StageView {
  return {
    stage: run.stage,
    status: run.status,
    attempt: run.attempt,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.durationMs,
    error: run.errorMessage,
  };
}

export function environmentDetail(
  env: Environment & { repository: Repository },
  revision: (Revision & { stageRuns: StageRun[] }) | null,
): EnvironmentDetail {
  return {
    ...environmentSummary(env),
    config: env.config,
    labelNotes: env.labelNotes,
    stages: revision?.stageRuns.map(stageView) ?? [],
    services: servicesOf(revision?.images),
    urls: urlsOf(revision?.wiring),
  };
}
