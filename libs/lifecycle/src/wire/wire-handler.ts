// Stage 4: the revision's config unit, computed once — public URLs of exposed services, their
// hostnames and ports, per-environment generated secrets, and every service's rendered
// environment — stored on Revision.wiring for replicate and expose.
//
// Where secrets live: in Revision.wiring.secrets (the state store), next to the environment
// values that embed them. A later generation reads the newest earlier wiring of the same
// environment and reuses each value, so a database initialised with a password keeps working.
// Values never go to logs or stage details (names only).

import { renderServiceEnvironments, type RevisionWiring, TemplateError } from '@berth/core';
import { type PrismaClient, RepositorySettingsStore, RevisionStore } from '@berth/db';
import { ComposeFileError } from '../compose/load-compose.js';
import {
  type RevisionSourceDeps,
  checkoutRevision,
  loadRevisionCompose,
} from '../compose/revision-source.js';
import type { StageHandler, StageInput, StageOutcome } from '../pipeline/stage-handler.js';
import { type ResolvedSecrets, resolveSecrets } from './environment-secrets.js';

export interface WireHandlerDeps extends RevisionSourceDeps {
  prisma: PrismaClient;
  /** Secret generator (tests may pass a deterministic one); default: 24 random bytes. */
  generateSecret?: () => string;
  /** The operator's policy per repository; default: read from the state store. */
  repositorySettings?: Pick<RepositorySettingsStore, 'forRepository'>;
}

export function createWireHandler(deps: WireHandlerDeps): StageHandler {
  const revisions = new RevisionStore(deps.prisma);
  const repositorySettings = deps.repositorySettings ?? new RepositorySettingsStore(deps.prisma);
  return {
    stage: 'wire',
    run: (input) => runWire({ ...deps, repositorySettings }, revisions, input),
  };
}

async function runWire(
  deps: WireHandlerDeps & Required<Pick<WireHandlerDeps, 'repositorySettings'>>,
  revisions: RevisionStore,
  input: StageInput,
): Promise<StageOutcome> {
  const { environment, revision, logger } = input;
  // Public access is the operator's call alone; `x-berth.public` in the PR cannot grant it.
  const policy = await deps.repositorySettings.forRepository(environment.repository.fullName);
  const isPublic = policy.accessMode === 'public';
  const checkout = await checkoutRevision(deps, environment, revision);
  const known = await knownSecrets(revisions, environment.id, revision.generation);

  let resolved: ResolvedSecrets | undefined;
  const loaded = await loadRevisionCompose(deps, environment, checkout, (names) => {
    resolved = resolveSecrets(names, known, deps.generateSecret);
    return resolved.values;
  });
  const secrets = resolved ?? { values: {}, generated: [], reused: [] };
  const { spec } = loaded;
  const { file } = loaded;

  const pick = <T>(all: Record<string, T>) =>
    Object.fromEntries(spec.berth.expose.map((s) => [s, all[s] as T]));
  const urls = pick(loaded.urls);
  let rendered: Record<string, Record<string, string>>;
  try {
    rendered = renderServiceEnvironments(spec, {
      envKey: loaded.envKey,
      pr: environment.prNumber,
      branch: environment.branch,
      headSha: checkout.sha,
      urls,
      secrets: secrets.values,
    });
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new ComposeFileError(file, [
        { path: error.where, message: error.message.slice(error.where.length + 2) },
      ]);
    }
    throw error;
  }

  const wiring: RevisionWiring = {
    spec,
    environment: rendered,
    urls,
    hostnames: pick(loaded.hostnames),
    ports: { ...spec.berth.ports },
    public: isPublic,
    secrets: secrets.values,
  };
  await revisions.saveWiring(revision.id, wiring);
  if (spec.berth.public && !isPublic) {
    logger.warn(
      'x-berth.public is ignored: public previews are an operator setting (berth repo set --access-mode public)',
    );
  }
  logger.info(
    {
      exposed: spec.berth.expose,
      generatedSecrets: secrets.generated,
      reusedSecrets: secrets.reused,
    },
    'revision wired',
  );
  return {
    details: {
      services: Object.keys(spec.services),
      exposed: spec.berth.expose,
      urls,
      public: isPublic,
      generatedSecrets: secrets.generated,
      reusedSecrets: secrets.reused,
      warnings: loaded.warnings.map((w) => `${w.path}: ${w.message}`),
    },
  };
}

/** Secrets of this environment's earlier (and this) generations, newest first. */
async function knownSecrets(
  revisions: RevisionStore,
  environmentId: string,
  generation: number,
): Promise<Record<string, string>[]> {
  const wirings = await revisions.wiringsUpTo(environmentId, generation);
  return wirings.map((w) => w.secrets).filter((s) => Object.keys(s).length > 0);
}
