// The wire stage's half of issue 10: which data the database service starts from this
// generation (planDatabase in core decides; this reads the facts), and which of its secret
// values must be the base environment's because a copied database holds them.

import {
  chooseSnapshot,
  type DatabasePlan,
  type DatabaseRecord,
  type DatabaseStart,
  engineOfImage,
  environmentIdentity,
  isBaseEnvironment,
  planDatabase,
  type PreviewConfig,
  type RevisionWiring,
  type SnapshotRef,
  storedConfig,
} from '@berth/core';
import type { ComposeSpec } from '@berth/core';
import type { ResourceLedger, SnapshotStore } from '@berth/db';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import type { BaseStates } from '../replicate/base-states.js';
import { stateVolumes } from '../replicate/container-plan.js';
import type { PreviewSecrets } from '../secrets/preview-secrets.js';

export type RevisionDatabase = NonNullable<RevisionWiring['database']>;

export interface DatabasePlanDeps {
  ledger: ResourceLedger;
  baseStates?: BaseStates;
  secrets: Pick<PreviewSecrets, 'read'>;
  /** The operator's registered dumps (`db:snapshot`); unset: that mode is refused. */
  snapshots?: Pick<SnapshotStore, 'list'>;
  /** The repository's default mode (its operator settings), used when no label chooses. */
  defaultMode?: DatabaseStart;
}

export interface WiredDatabase {
  database: RevisionDatabase;
  /** Secret values the copy was initialised with (the base's), by name. */
  inherit: Record<string, string>;
}

export async function planRevisionDatabase(
  deps: DatabasePlanDeps,
  environment: EnvironmentWithRepository,
  spec: ComposeSpec,
  rendered: Record<string, Record<string, string>>,
  markers: Record<string, string>,
  /** Where the PR was cut from its base branch (`git merge-base`), when known. */
  cutFrom?: string,
): Promise<WiredDatabase | { warning: string } | undefined> {
  const service = spec.berth.database?.service;
  const serviceSpec = service ? spec.services[service] : undefined;
  if (!service || !serviceSpec) return undefined;
  const id = environmentIdentity(
    environment.repository.fullName,
    environment.prNumber,
    environment.slot,
  );
  const volumes = stateVolumes(id, serviceSpec);
  if (volumes.length === 0) {
    return {
      warning: `x-berth.database: \`${service}\` keeps its data in no volume, so db:branch has nothing to copy; mount one at its data directory (e.g. \`db-data:/var/lib/postgresql/data\`)`,
    };
  }

  const config: PreviewConfig = storedConfig(environment.config);
  const base = isBaseEnvironment(environment);
  // The base environment builds its own data: migrations and seed, never a copy of itself. A
  // fork's author is not trusted with what the base holds (anything staff wrote to it): fresh.
  const fork = !base && environment.isFork;
  // Neither a fork nor the base itself gets a snapshot (fork: untrusted with any data).
  const labelled: DatabaseStart | undefined =
    base || fork ? 'fresh' : config.databaseFromLabel ? config.database : undefined;
  const defaultMode = base || fork ? undefined : deps.defaultMode;
  const baseEnvironment =
    base || !deps.baseStates
      ? undefined
      : await deps.baseStates.baseEnvironment(environment.repository);
  // The base the PR was cut from (or last merged) when it is still kept, else the newest.
  const atCut =
    baseEnvironment && deps.baseStates && cutFrom
      ? await deps.baseStates.atSha(baseEnvironment.id, service, cutFrom)
      : undefined;
  const newest =
    atCut ??
    (baseEnvironment && deps.baseStates
      ? await deps.baseStates.newest(baseEnvironment.id, service)
      : undefined);

  const names = new Set(volumes.map((v) => v.name));
  const live = (await deps.ledger.live(environment.id)).filter(
    (row) => row.kind === 'volume' && row.state === 'created' && names.has(row.name),
  );
  // A volume made before issue 10 has no record: it was started empty.
  const current: DatabaseRecord | undefined =
    live.length === 0
      ? undefined
      : ((live[0]?.metadata as { database?: DatabaseRecord } | null)?.database ?? {
          mode: 'fresh',
        });

  const wanted = labelled ?? defaultMode;
  const keeps = current?.mode === 'snapshot' && (wanted === undefined || wanted === 'snapshot');
  const snapshot =
    wanted === 'snapshot' && !keeps
      ? await chosenSnapshot(deps, environment.repository.fullName, serviceSpec.image)
      : undefined;

  const planned: DatabasePlan = planDatabase({
    service,
    ...(labelled ? { labelled } : {}),
    ...(defaultMode ? { defaultMode } : {}),
    ...(snapshot ? { snapshot } : {}),
    baseBranch: environment.baseBranch,
    ...(newest ? { base: newest } : {}),
    ...(cutFrom && newest ? { cutFrom } : {}),
    ...(current ? { current } : {}),
  });

  const plan: DatabasePlan =
    fork && config.databaseFromLabel && config.database === 'branch'
      ? { ...planned, note: `${planned.note} — a fork PR never gets a copy of the base's data` }
      : planned;

  const inherit: Record<string, string> = {};
  if (plan.base && baseEnvironment && (plan.action === 'branched' || plan.action === 'restored')) {
    // The names the database service was configured with: the copy's users and passwords.
    const own = Object.values(rendered[service] ?? {});
    const used = Object.entries(markers).filter(([, marker]) =>
      own.some((v) => v.includes(marker)),
    );
    if (used.length > 0) {
      const values = (await deps.secrets.read(baseEnvironment)) ?? {};
      for (const [name] of used) {
        const value = values[name];
        if (value !== undefined) inherit[name] = value;
      }
    }
  }
  return { database: { ...plan, volumes }, inherit };
}

/**
 * The registered snapshot this repository restores; a refusal (none registered, none sanitized,
 * another engine) fails the stage with the reason: reviewers asked for realistic data, an empty
 * database in its place would mislead them.
 */
async function chosenSnapshot(
  deps: DatabasePlanDeps,
  repository: string,
  image: string | undefined,
): Promise<SnapshotRef> {
  if (!deps.snapshots) {
    throw new PermanentStageError(
      'db:snapshot: this worker has no snapshot registry (SNAPSHOT_DIR is unset); ask the operator to configure one, or use db:branch or db:fresh',
    );
  }
  const choice = chooseSnapshot(
    await deps.snapshots.list(),
    repository,
    image ? engineOfImage(image) : undefined,
  );
  if ('refusal' in choice) {
    throw new PermanentStageError(`${choice.refusal}, or use db:branch or db:fresh`);
  }
  const { snapshot } = choice;
  return {
    name: snapshot.name,
    engine: snapshot.engine,
    format: snapshot.format,
    registeredAt: snapshot.registeredAt,
    masked: snapshot.maskSql !== undefined,
  };
}
