import { environmentIdentity, type EnvironmentIdentity, repoSlug } from '@berth/core';
import type { Revision } from '@berth/db';
import type { Checkout, GitHubPort, SourceRepository } from '@berth/providers';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { loadCompose, type LoadedCompose } from './load-compose.js';
import { readComposeVariables } from './compose-variables.js';
import type { PreviewSettings } from './preview-settings.js';

export interface RevisionSourceDeps {
  source: SourceRepository;
  github: Pick<GitHubPort, 'installationToken'>;
  settings: PreviewSettings;
}

export function identityOf(environment: EnvironmentWithRepository): EnvironmentIdentity {
  return environmentIdentity(environment.repository.fullName, environment.prNumber);
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

/** Reads and parses the repository's compose file at the checkout's commit. */
export async function loadRevisionCompose(
  deps: RevisionSourceDeps,
  environment: EnvironmentWithRepository,
  checkout: Checkout,
  secrets: (names: readonly string[]) => Readonly<Record<string, string>>,
): Promise<LoadedCompose> {
  const composePath = environment.repository.composePath;
  const file = `${composePath} at ${checkout.sha.slice(0, 12)}`;
  const text = await deps.source.readFile(checkout, composePath);
  if (text === null) {
    throw new Error(
      `${environment.repository.fullName} has no ${composePath} at ${checkout.sha.slice(0, 12)}: add a compose file, or set the repository's compose path`,
    );
  }
  return loadCompose({
    text,
    file,
    id: identityOf(environment),
    variables: await readComposeVariables(deps.settings.COMPOSE_VARIABLES_FILE),
    settings: deps.settings,
    secrets,
    branch: environment.branch,
    headSha: checkout.sha,
  });
}
