// Stage 4: the revision's config unit, computed once — public URLs of exposed services, their
// hostnames and ports, the environment's secret scope, and every service's rendered
// environment — stored on Revision.wiring for replicate and expose.
//
// Where secrets live (issue 9): in the environment's secret scope (PreviewSecrets: Berth's own
// table or AWS Secrets Manager), never in Revision.wiring. The model is rendered with a marker
// per secret; replicate swaps in the values. Values never go to logs or stage details (names
// and layers only).

import {
  applyShape,
  findDeclaredHosts,
  type HostFinding,
  type HostRules,
  renderServiceEnvironments,
  type RevisionWiring,
  type StackShape,
  storedConfig,
  TemplateError,
} from '@berth/core';
import {
  type PrismaClient,
  RepositorySettingsStore,
  ResourceLedger,
  RevisionStore,
  type SnapshotStore,
} from '@berth/db';
import { ComposeFileError } from '../compose/load-compose.js';
import {
  type RevisionSourceDeps,
  checkoutRevision,
  loadRevisionCompose,
} from '../compose/revision-source.js';
import {
  type EnvironmentWithRepository,
  PermanentStageError,
  type StageHandler,
  type StageInput,
  type StageOutcome,
} from '../pipeline/stage-handler.js';
import type { BaseStates } from '../replicate/base-states.js';
import type { PreviewSecrets } from '../secrets/preview-secrets.js';
import { planRevisionDatabase } from './database-plan.js';
import {
  newSecretRefs,
  resolveSecretRefs,
  type SecretRefs,
  secretMarkers,
} from '../secrets/secret-refs.js';

export interface WireHandlerDeps extends RevisionSourceDeps {
  prisma: PrismaClient;
  /** The environment's secret scope: where its values are kept and the rules that guard them. */
  secrets: PreviewSecrets;
  /** Hosts the operator declared staging or production (STAGING_HOSTS, PRODUCTION_HOSTS). */
  hostRules?: HostRules;
  /** The operator's policy per repository; default: read from the state store. */
  repositorySettings?: Pick<RepositorySettingsStore, 'forRepository'>;
  /** Where `db:branch` copies come from (issue 10); unset: every database starts empty. */
  baseStates?: BaseStates;
  /** The operator's registered dumps (`db:snapshot`); unset: that mode is refused. */
  snapshots?: Pick<SnapshotStore, 'list'>;
  /** Defaults to a ledger over `prisma`. */
  ledger?: ResourceLedger;
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

  let refs: SecretRefs = newSecretRefs([]);
  const loaded = await loadRevisionCompose(deps, environment, checkout, (names) => {
    refs = newSecretRefs(names);
    return secretMarkers(refs);
  });
  const { file } = loaded;
  // preview:frontend-only: only the PR's own services run; the rest is the base environment's.
  const shaped = applyShape(loaded.spec, storedConfig(environment.config).mode);
  const { spec } = shaped;
  const shape = shaped.shape ? await shapeWithBase(deps, environment, shaped.shape) : undefined;
  // Compose `secrets:` without `file:` read the same scope, delivered as files (decision 0016):
  // their names join the scope, and their mounts carry a marker replicate swaps for the value.
  const fileSecrets = Object.values(spec.services).flatMap((service) =>
    service.mounts.flatMap((m) => (m.type === 'scope-secret' ? [m] : [])),
  );
  for (const mount of fileSecrets) {
    if (!refs.names.includes(mount.name)) refs.names.push(mount.name);
  }
  const markers = secretMarkers(refs);
  for (const mount of fileSecrets) mount.content = markers[mount.name];

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
      secrets: markers,
    });
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new ComposeFileError(file, [
        { path: error.where, message: error.message.slice(error.where.length + 2) },
      ]);
    }
    throw error;
  }

  const wired = await planRevisionDatabase(
    {
      ledger: deps.ledger ?? new ResourceLedger(deps.prisma),
      ...(deps.baseStates ? { baseStates: deps.baseStates } : {}),
      ...(deps.snapshots ? { snapshots: deps.snapshots } : {}),
      ...(policy.defaultDbMode ? { defaultMode: policy.defaultDbMode } : {}),
      secrets: deps.secrets,
    },
    environment,
    spec,
    rendered,
    markers,
    // The build stage fetched the base branch into the mirror; nothing is fetched here.
    (await deps.source.mergeBase(checkout, environment.baseBranch)) ?? undefined,
  );
  const database = wired && 'database' in wired ? wired : undefined;

  // Fork PRs get generated values only, even approved, unless the operator allows more.
  const layersAllowed = !environment.isFork || policy.forkSecrets === true;
  const secrets = await deps.secrets.materialise({
    environment,
    names: refs.names,
    layersAllowed,
    legacy: await legacySecrets(revisions, environment.id, revision.generation),
    ...(database ? { inherit: database.inherit } : {}),
  });

  const hosts = findDeclaredHosts(
    resolveSecretRefs(rendered, refs, secrets.values),
    deps.hostRules ?? { production: [], staging: [] },
  );
  const production = hosts.filter((h) => h.kind === 'production');
  if (production.length > 0) {
    throw new PermanentStageError(
      `the preview would call production: ${production.map(describeHost).join('; ')}. ` +
        'Point these variables at preview services (e.g. {{ urls.<service> }}), or ask the operator to change PRODUCTION_HOSTS',
    );
  }
  const warnings = [
    ...loaded.warnings.map((w) => `${w.path}: ${w.message}`),
    ...hosts.map((h) => `${describeHost(h)} (staging: previews should use their own services)`),
    ...(wired && !('database' in wired) ? [wired.warning] : []),
    ...(shaped.warning ? [shaped.warning] : []),
  ];

  const wiring: RevisionWiring = {
    spec,
    environment: rendered,
    urls,
    hostnames: pick(loaded.hostnames),
    ports: { ...spec.berth.ports },
    public: isPublic,
    secretRefs: refs,
    ...(database ? { database: database.database } : {}),
    ...(shape ? { shape } : {}),
  };
  await revisions.saveWiring(revision.id, wiring);
  if (spec.berth.public && !isPublic) {
    logger.warn(
      'x-berth.public is ignored: public previews are an operator setting (berth repo set --access-mode public)',
    );
  }
  const secretFacts = {
    secretScope: secrets.scope,
    generatedSecrets: secrets.generated,
    reusedSecrets: secrets.reused,
    inheritedSecrets: secrets.inherited,
    layeredSecrets: secrets.fromLayers.map((s) => `${s.name} (${s.layer})`),
  };
  logger.info({ exposed: spec.berth.expose, ...secretFacts }, 'revision wired');
  return {
    details: {
      services: Object.keys(spec.services),
      exposed: spec.berth.expose,
      urls,
      public: isPublic,
      ...secretFacts,
      ...(shape ? { shape } : {}),
      ...(database
        ? {
            database: {
              service: database.database.service,
              mode: database.database.mode,
              action: database.database.action,
              note: database.database.note,
              ...(database.database.base ? { baseSha: database.database.base.sha } : {}),
            },
          }
        : {}),
      warnings,
    },
  };
}

/**
 * The base environment a shaped preview borrows from. Without one there is nothing to borrow:
 * the stage fails with the fix (a labelled choice should not silently become the full stack).
 */
async function shapeWithBase(
  deps: WireHandlerDeps,
  environment: EnvironmentWithRepository,
  shape: StackShape,
): Promise<NonNullable<RevisionWiring['shape']>> {
  const base = deps.baseStates
    ? await deps.baseStates.baseEnvironment(environment.repository)
    : undefined;
  if (!base || base.state === 'destroyed' || base.state === 'destroying' || !base.headSha) {
    throw new PermanentStageError(
      `preview:${shape.name} borrows ${shape.borrowed.join(', ')} from the base environment of ${environment.baseBranch}, which is not running yet: push to ${environment.baseBranch} to start it, or remove the label for a full-stack preview`,
    );
  }
  return {
    ...shape,
    base: { environmentId: base.id, headSha: base.headSha, branch: base.branch },
  };
}

function describeHost(h: HostFinding): string {
  return `services.${h.service}.environment.${h.variable} points at ${h.host} (matches ${h.pattern})`;
}

/** Values revisions wired before secret scopes kept in their wiring, newest first. */
async function legacySecrets(
  revisions: RevisionStore,
  environmentId: string,
  generation: number,
): Promise<Record<string, string>[]> {
  const wirings = await revisions.wiringsUpTo(environmentId, generation);
  return wirings.map((w) => w.secrets).filter((s) => Object.keys(s).length > 0);
}
