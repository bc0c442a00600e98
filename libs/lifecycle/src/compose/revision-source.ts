import {
  allowedVariables,
  environmentIdentity,
  type EnvironmentIdentity,
  networkCountProblem,
  networkTopology,
  repoSlug,
  serviceCountProblem,
} from '@berth/core';
import type { Revision } from '@berth/db';
import type { Checkout, GitHubPort, SourceRepository } from '@berth/providers';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { readComposeSource } from './compose-source.js';
import { ComposeFileError, loadCompose, type LoadedCompose } from './load-compose.js';
import { readComposeVariables } from './compose-variables.js';
import type { PreviewSettings } from './preview-settings.js';

/** The operator's per-repository compose settings (never the PR's own files). */
export interface ComposeSettings {
  /** Repository-relative compose file; undefined: discover compose.yaml & co. */
  composePath?: string;
  /** Compose profiles to start; default none. */
  profiles?: readonly string[];
  /**
   * The COMPOSE_VARIABLES_FILE keys this repository may read; default none. The file serves
   * every repository, so a key reaches a PR (and its build args) only when the operator allows it.
   */
  allowedVariables?: readonly string[];
  /** Services one preview may run (the repository's --max-services, else MAX_SERVICES). */
  maxServices?: number;
  /** Compose networks one preview may have (MAX_NETWORKS). */
  maxNetworks?: number;
  /** The branch base images come from (`--base-branch`); default: the repository's default branch. */
  baseBranch?: string;
}

export interface RevisionSourceDeps {
  source: SourceRepository;
  github: Pick<GitHubPort, 'installationToken'>;
  settings: PreviewSettings;
  /** Where the repository's settings come from; default: discovery, no profiles. */
  composeSettings?: (
    environment: EnvironmentWithRepository,
  ) => ComposeSettings | Promise<ComposeSettings>;
}

export function identityOf(environment: EnvironmentWithRepository): EnvironmentIdentity {
  return environmentIdentity(environment.repository.fullName, environment.prNumber);
}

/** The identity its containers, networks and volumes are named by: in its slot (decision 0040). */
export function resourceIdentity(
  environment: Pick<EnvironmentWithRepository, 'prNumber' | 'slot'> & {
    repository: { fullName: string };
  },
): EnvironmentIdentity {
  return environmentIdentity(
    environment.repository.fullName,
    environment.prNumber,
    environment.slot,
  );
}

/** The revision's head commit on disk. The token is minted only when a fetch is needed. */
export function checkoutRevision(
  deps: RevisionSourceDeps,
  environment: EnvironmentWithRepository,
  revision: Revision,
): Promise<Checkout> {
  const { repository } = environment;
  return deps.source.checkout({
    cacheKey: repoSlug(identityOf(environment).repository),
    cloneUrl: repository.cloneUrl,
    token: () => deps.github.installationToken(Number(repository.installationId)),
    sha: revision.headSha,
    prNumber: environment.prNumber,
    ref: environment.branch,
  });
}

/**
 * The operator variables (COMPOSE_VARIABLES_FILE) this environment's repository may read: what
 * its compose file is interpolated with, and what the redaction must know of.
 */
export async function operatorVariables(
  deps: Pick<RevisionSourceDeps, 'settings' | 'composeSettings'>,
  environment: EnvironmentWithRepository,
  known?: ComposeSettings,
): Promise<Record<string, string>> {
  const settings = known ?? (await deps.composeSettings?.(environment)) ?? {};
  return allowedVariables(await readComposeVariables(deps.settings.COMPOSE_VARIABLES_FILE), {
    allowedVariables: settings.allowedVariables ?? [],
  });
}

/**
 * Reads and parses the repository's compose file(s) at the checkout's commit: the operator's
 * path, else discovery; a missing file or an invalid spec is a permanent error.
 */
export async function loadRevisionCompose(
  deps: RevisionSourceDeps,
  environment: EnvironmentWithRepository,
  checkout: Checkout,
  secrets: (names: readonly string[]) => Readonly<Record<string, string>>,
): Promise<LoadedCompose> {
  const settings = (await deps.composeSettings?.(environment)) ?? {};
  const found = await readComposeSource(
    deps.source,
    checkout,
    environment.repository.fullName,
    settings,
  );
  const loaded = loadCompose({
    files: found.files,
    file: found.label,
    readFile: (path) => found.repoFiles.get(path) ?? null,
    ...(settings.profiles ? { profiles: settings.profiles } : {}),
    id: identityOf(environment),
    variables: await operatorVariables(deps, environment, settings),
    settings: deps.settings,
    secrets,
    branch: environment.branch,
    headSha: checkout.sha,
  });
  // Refused here, the first stage, before 300 services are built or pulled.
  const tooMany =
    settings.maxServices === undefined
      ? undefined
      : serviceCountProblem(
          Object.keys(loaded.spec.services).length,
          settings.maxServices,
          environment.repository.fullName,
        );
  const tooManyNetworks =
    settings.maxNetworks === undefined
      ? undefined
      : networkCountProblem(networkTopology(loaded.spec), settings.maxNetworks);
  const problems = [tooMany, tooManyNetworks].filter((p) => p !== undefined);
  if (problems.length > 0) throw new ComposeFileError(found.label, problems, found.files);
  return loaded;
}
