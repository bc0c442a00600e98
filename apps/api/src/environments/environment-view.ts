import { readImages, readWiring, redactSecrets, secretValuesOf } from '@berth/core';
import type { EnvironmentRow, RevisionWithRuns, StageRun } from '@berth/db';

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
  /** Asleep since (decision 0024): its containers are stopped until a request wakes it. */
  sleptAt: string | null;
  /** The newest request a gateway let through, and how many it let through ever. */
  lastAccessAt: string | null;
  accessCount: number;
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
  /** The pull request on GitHub; null for the base environment. */
  pullRequestUrl: string | null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function environmentSummary(env: EnvironmentRow): EnvironmentSummary {
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
    sleptAt: iso(env.sleptAt),
    lastAccessAt: iso(env.lastAccessAt),
    accessCount: env.accessCount,
  };
}

/** Names, tags and sources from `Revision.images`; nothing else of it. */
export function servicesOf(images: unknown): ServiceView[] {
  return Object.entries(readImages(images))
    .map(([name, image]) => ({ name, image: image.tag, source: image.source }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Only `wiring.urls`. The rest of the wiring (per-service environments, secrets) holds generated
 * credentials and must never leave the control plane.
 */
export function urlsOf(wiring: unknown): Record<string, string> {
  return readWiring(wiring).urls;
}

/**
 * A stage run; its error may hold an app's log tail. The worker stores errors redacted with every
 * secret of the environment (`environmentSecretValues`); this redacts again with the revision's
 * own, for rows stored before that and in case a stage wrote one itself.
 */
export function stageView(run: StageRun, secrets: readonly string[] = []): StageView {
  return {
    stage: run.stage,
    status: run.status,
    attempt: run.attempt,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.durationMs,
    error: run.errorMessage === null ? null : redactSecrets(run.errorMessage, secrets),
  };
}

export function environmentDetail(
  env: EnvironmentRow,
  revision: RevisionWithRuns | null,
): EnvironmentDetail {
  const secrets = secretValuesOf({ wirings: [readWiring(revision?.wiring)] });
  return {
    ...environmentSummary(env),
    config: env.config,
    labelNotes: env.labelNotes,
    stages: revision?.stageRuns.map((run) => stageView(run, secrets)) ?? [],
    services: servicesOf(revision?.images),
    urls: urlsOf(revision?.wiring),
    pullRequestUrl: pullRequestUrlOf(env.repository.cloneUrl, env.prNumber),
  };
}

/**
 * The pull request's page on GitHub (or GHES), from the repository's clone URL
 * (`https://github.com/acme/shop.git` → `https://github.com/acme/shop/pull/12`); null for the
 * base environment (PR 0) or a clone URL that is not a web address.
 */
export function pullRequestUrlOf(cloneUrl: string | undefined, prNumber: number): string | null {
  if (prNumber < 1) return null;
  return repositoryPageOf(cloneUrl, `pull/${prNumber}`);
}

/**
 * A page of the repository on GitHub (or GHES) from its clone URL: `runs/42` →
 * `https://github.com/acme/shop/runs/42`; null for a clone URL that is not a web address.
 */
export function repositoryPageOf(cloneUrl: string | undefined, page: string): string | null {
  if (!cloneUrl) return null;
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // Never a credential in a link: clone URLs can carry one.
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  url.pathname = `${url.pathname.replace(/\.git\/?$/, '').replace(/\/+$/, '')}/${page}`;
  return url.toString();
}
