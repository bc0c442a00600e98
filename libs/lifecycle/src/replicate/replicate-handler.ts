// Stage 3: every compose service of the revision as its own container on a per-environment
// network. observe (ledger) → compare (container config hashes, in the driver) → act → record.
// Safe to run twice: every step is idempotent by deterministic name.

import {
  type ComposeSpec,
  describeClamp,
  environmentIdentity,
  isBaseEnvironment,
  redactSecrets,
  type RuntimeCeilings,
} from '@berth/core';
import type { PrismaClient } from '@berth/db';
import {
  type ContainerHost,
  ContainerWaitError,
  type RunResult,
  type WaitCondition,
} from '@berth/providers';
import type { Logger } from 'pino';
import { wiringSecrets } from '../expose/comment-facts.js';
import { ResourceLedger, RevisionStore, RouteStore } from '@berth/db';
import type { RoutePublisher } from '../pipeline/route-publisher.js';
import { type AttemptChanges, rollBack, rollBackEligible } from './roll-back.js';
import {
  type EnvironmentWithRepository,
  type ServingRevision,
  type StageHandler,
  type StageInput,
  type StageOutcome,
  PermanentStageError,
  SupersededError,
} from '../pipeline/stage-handler.js';
import {
  type PlanOptions,
  type ReplicatePlan,
  type ServicePlan,
  readRevisionOutputs,
  replicatePlan,
  slotMetadata,
} from './container-plan.js';
import {
  type CopiedVolumes,
  copyServingVolumes,
  moveRoutes,
  oneShotsToRun,
  otherSlot,
  retireSlot,
} from './beside-serving.js';
import { LeaseLostError } from '../pipeline/stage-runner.js';
import { containerEndpoint } from './container-endpoint.js';
import { type SubnetAllocator, defaultSubnetAllocator } from './subnet-allocator.js';
import { ensureEnvironmentNetworks } from './environment-networks.js';
import { replaceIfStuck } from './replace-stuck.js';
import type { PreviewSecrets } from '../secrets/preview-secrets.js';
import { resolveSecretRefs } from '../secrets/secret-refs.js';
import { type Readiness, waitReady } from './wait-ready.js';
import type { BaseStates } from './base-states.js';
import { type DatabaseVolumeOutcome, prepareDatabaseVolume } from './database-volumes.js';
import { runSeed, type SeedOutcome } from './database-seed.js';
import {
  type RestoreOutcome,
  restorePending,
  restoreSnapshot,
  type SnapshotRestoreDeps,
} from './database-restore.js';
import {
  admitToHost,
  type HostMemoryAdmission,
  type MemoryAdmissionDetails,
} from './memory-admission.js';

export type { MemoryAdmissionDetails };

export interface ReplicateDeps extends PlanOptions {
  containerHost: ContainerHost;
  prisma: PrismaClient;
  /** Defaults to a ledger over `prisma`. */
  ledger?: ResourceLedger;
  /** An internal network has no route off the host (default true; see NetworkSpec.internal). */
  internalNetwork?: boolean;
  /** Where network subnets come from; defaults to the default pool on the ledger's host. */
  subnets?: SubnetAllocator;
  /**
   * The repository's ceilings (its settings, else the operator's defaults), read per run so
   * `berth repo set` applies to the next push. Unset: no ceilings (the driver's defaults only).
   */
  ceilingsFor?: (environment: EnvironmentWithRepository) => Promise<RuntimeCeilings>;
  /** Host memory admission (a first-come-first-served line, see memory-admission.ts); unset: none. */
  hostMemory?: HostMemoryAdmission;
  /** The environment's secret scope, whose values replace the wiring's markers (issue 9). */
  secrets?: Pick<PreviewSecrets, 'read'>;
  /** Where the base environment's database is captured after each ready generation (issue 10). */
  baseStates?: BaseStates;
  /** The registered dumps and SNAPSHOT_DIR (`db:snapshot`); unset: that mode fails. */
  snapshots?: SnapshotRestoreDeps;
  /** Tells gateways a route moved when the serving revision is put back (decision 0038). */
  publisher?: RoutePublisher;
  /**
   * After the routes move to a new slot, how long the old slot keeps running before it is
   * removed (default 3 s): gateways reload the route when told, and requests already sent to
   * the old containers finish (decision 0040).
   */
  drainMs?: number;
}

const DEFAULT_DRAIN_MS = 3_000;

export interface ServiceOutcome {
  container: string;
  image: string;
  action: RunResult['action'];
  /** Healthy by its healthcheck (null when it has none); one-shots: exited 0. */
  healthy: boolean | null;
  /** completed: a one-shot that exited 0; healthy: passed its healthcheck; running: no healthcheck. */
  state: 'starting' | 'completed' | 'healthy' | 'running';
  /** Time from this service's start call to it being ready. */
  ms: number;
  /** What showed it ready: Berth's own probe of its healthcheck, Docker's check, or its state. */
  readyBy?: Readiness['by'];
}

export interface ReplicateDetails {
  /** The first network (`default` when any service is on it). */
  network: string;
  /** The environment's address range, from SUBNET_POOL, cut between its networks. */
  subnet: string;
  /** Per compose network: its Docker network and its slice of `subnet`. */
  networks: Record<string, { name: string; subnet: string; internal: boolean }>;
  volumes: string[];
  services: Record<string, ServiceOutcome>;
  /** Where the gateway reaches each exposed service: its IP on the environment network. */
  endpoints: Record<string, { host: string; port: number }>;
  /** Containers of services no longer in the compose file, and networks gone or cut again. */
  removed: string[];
  /** Limits lowered to the repository's ceilings, one line each (the PR comment shows them). */
  clamped: string[];
  /** The environment's slot its containers, networks and volumes are in (decision 0040). */
  slot: number;
  /**
   * This revision started beside the older serving one (it brought these one-shot services),
   * on copies of its volumes, and the routes moved to it once it was ready (decision 0040).
   */
  besideServing?: {
    revision: number | undefined;
    oneShots: string[];
    copied: CopiedVolumes['volumes'];
    paused: string[];
    pausedMs: number;
    routes: string[];
  };
  admission?: MemoryAdmissionDetails;
  /** The database service's data this generation: what the wire stage decided, as carried out. */
  database?: {
    service: string;
    mode: string;
    action: string;
    note: string;
    baseSha?: string;
    volumes: DatabaseVolumeOutcome[];
    /** The seed command's run, when the database started empty and declares one. */
    seeded?: SeedOutcome;
    /** `db:snapshot`: the registered dump restored (and masked) into the new database. */
    restored?: RestoreOutcome;
    /** The base environment only: the base state captured from this generation. */
    captured?: { sha: string; volumes: string[]; ms: number };
  };
}

const READY_STATE = { 'exited-0': 'completed', healthy: 'healthy', running: 'running' } as const;

export function createReplicateHandler(deps: ReplicateDeps): StageHandler {
  const ledger = deps.ledger ?? new ResourceLedger(deps.prisma);
  const subnets = deps.subnets ?? defaultSubnetAllocator(deps.prisma, ledger.host);
  return {
    stage: 'replicate',
    run: (input) => replicate({ ...deps, subnets }, ledger, input),
  };
}

async function replicate(
  deps: ReplicateDeps & { subnets: SubnetAllocator },
  ledger: ResourceLedger,
  input: StageInput,
): Promise<StageOutcome> {
  const host = deps.containerHost;
  const { environment, revision } = input;
  const outputs = readRevisionOutputs(revision.images, revision.wiring);
  const { images } = outputs;
  // Values join the model only here, in memory, on their way to Docker.
  const { wiring, values: secretValues } = await withSecretValues(
    deps,
    environment,
    outputs.wiring,
  );
  const ceilings = deps.ceilingsFor ? await deps.ceilingsFor(environment) : undefined;
  const planIn = (slot: number) =>
    replicatePlan(
      environmentIdentity(environment.repository.fullName, environment.prNumber, slot),
      wiring.spec,
      images,
      wiring.environment,
      { ...deps, ...(ceilings ? { ceilings } : {}) },
    );
  const logger = input.logger.child({ stage: 'replicate' });
  const database = wiring.database;
  // A revision that would run migrations (or any one-shot) again against the data an older
  // serving revision still uses starts beside it, in the other slot (decision 0040).
  const current = planIn(environment.slot);
  const serving =
    !database || database.action === 'kept'
      ? await servingPlan(deps, input, ceilings, logger)
      : undefined;
  const toRun = serving ? oneShotsToRun(serving.plan, current) : [];
  const beside = serving !== undefined && toRun.length > 0;
  const plan = beside ? planIn(otherSlot(environment.slot)) : current;
  const slot = plan.slot;
  if (beside) {
    logger.info(
      { oneShots: toRun, slot, serving: serving.revision },
      'starting beside the serving revision: it brings one-shot services to run',
    );
  }
  const owned = { provider: 'docker' as const, environmentId: environment.id };
  const clamped = plan.clamps.map(describeClamp);
  for (const line of clamped) logger.warn({ clamp: line }, 'limit clamped to the ceiling');

  // Admission before anything is created: over the host's commitment, nothing starts.
  const admission = deps.hostMemory
    ? await admitToHost(
        deps.hostMemory,
        { id: environment.id, generation: input.job.generation },
        plan,
      )
    : undefined;

  // The older revision that serves at the URLs stops doing so alone once one of its long-running
  // containers goes (decision 0038): recorded first, once, before the container is removed.
  let servingGone: Promise<void> | undefined;
  const servingReplaced = () =>
    (servingGone ??= (async () => {
      const serving = environment.servingRevision;
      if (serving !== null && serving < input.job.generation) await input.setServing?.(null);
    })());
  // What this attempt changed beyond replacing long-running containers (see roll-back.ts).
  const changes: AttemptChanges = { replaced: new Set(), beyondContainers: false };

  // Services dropped from the compose file: their containers go before anything new starts.
  // Beside the serving revision nothing of it goes yet; what an earlier attempt left in the new
  // slot goes instead, so the copies and one-shots start from the serving data again.
  const removed = beside
    ? await retireSlot({ host, ledger, environmentId: environment.id, slot, logger })
    : await removeStaleContainers(host, ledger, environment.id, plan, logger, servingReplaced);
  if (!beside && removed.length > 0) changes.beyondContainers = true;

  const networks = await ensureEnvironmentNetworks({
    host,
    subnets: deps.subnets,
    ledger,
    environmentId: environment.id,
    plans: plan.networks,
    internal: deps.internalNetwork ?? true,
    logger,
    slot,
  });

  if (database && database.action !== 'kept') changes.beyondContainers = true;
  const databaseService = database ? plan.services[database.service] : undefined;
  const databaseVolumes = new Set(database?.volumes.map((v) => v.name) ?? []);
  const prepared: DatabaseVolumeOutcome[] = [];
  const copied: CopiedVolumes | undefined =
    beside && serving
      ? await copyServingVolumes({
          host,
          ledger,
          environmentId: environment.id,
          generation: input.job.generation,
          current,
          serving: serving.plan,
          next: plan,
          logger,
        })
      : undefined;
  for (const volume of plan.volumes) {
    if (copied && !volume.repoMount) continue;
    if (database && databaseService && databaseVolumes.has(volume.name)) {
      prepared.push(
        await prepareDatabaseVolume({
          host,
          ledger,
          environmentId: environment.id,
          generation: input.job.generation,
          database,
          volume,
          container: databaseService.container.name,
          image: databaseService.container.image,
          logger,
          beforeReplace: servingReplaced,
          slot,
        }),
      );
      continue;
    }
    const row = await ledger.plan({
      ...owned,
      kind: 'volume',
      name: volume.name,
      metadata: {
        volume: volume.key,
        ...(volume.repoMount ? { repoMount: true } : {}),
        ...slotMetadata(slot),
      },
    });
    await recorded(ledger, row.id, async () => {
      const made = await host.ensureVolume(volume);
      // A single read-only file: filled before its container binds it (a new volume is empty).
      const fill = volume.repoMount?.fill;
      if (fill && (made.created || row.state !== 'created')) {
        await host.fillVolume({ volume: volume.name, ...fill, labels: volume.labels });
      }
    });
    await ledger.markCreated(row.id);
  }

  const services: Record<string, ServiceOutcome> = {};
  const readiness: Promise<void>[] = [];
  // Probe output and logs can echo the environment's generated credentials.
  const secrets = [...wiringSecrets(wiring), ...secretValues];

  // db:snapshot: the dump goes in (and is masked) while the database runs alone, before the
  // layers start anything that could read it.
  let restored: RestoreOutcome | undefined;
  const firstVolume = database?.volumes[0]?.name;
  if (
    database?.snapshot &&
    databaseService &&
    firstVolume &&
    (await restorePending(ledger, environment.id, firstVolume, input.job.generation))
  ) {
    changes.beyondContainers = true;
    await input.assertCurrent();
    await servingReplaced();
    for (const other of Object.values(plan.services)) {
      if (other !== databaseService) await host.stopContainer(other.container.name);
    }
    const row = await ledger.plan({
      ...owned,
      kind: 'container',
      name: databaseService.container.name,
      metadata: {
        service: database.service,
        image: databaseService.container.image,
        memoryBytes: databaseService.container.limits?.memoryBytes,
        ...slotMetadata(slot),
      },
    });
    const run = await recorded(ledger, row.id, () => host.runContainer(databaseService.container));
    await ledger.markCreated(row.id, run.id);
    restored = await restoreSnapshot({
      deps: deps.snapshots,
      host,
      ledger,
      environmentId: environment.id,
      generation: input.job.generation,
      snapshot: database.snapshot,
      container: databaseService.container.name,
      volume: firstVolume,
      readyTimeoutMs: databaseService.timeoutMs,
      secrets,
      logger,
    });
  }
  // Layer by layer; a failure is caught below to put the serving revision back.
  const startLayers = async (): Promise<void> => {
    for (const layer of plan.layers) {
      await input.assertCurrent();
      await Promise.all(
        layer.map(async (name) => {
          const service = plan.services[name] as ServicePlan;
          const started = Date.now();
          const row = await ledger.plan({
            ...owned,
            kind: 'container',
            name: service.container.name,
            // memoryBytes: what admission counts for this container (see HostMemoryLedger).
            metadata: {
              service: name,
              image: service.container.image,
              memoryBytes: service.container.limits?.memoryBytes,
              ...slotMetadata(slot),
            },
          });
          // A retry finds what the last attempt left: a stuck container is replaced, not re-judged.
          const stuck = await replaceIfStuck(host, service);
          if (stuck)
            logger.info({ service: name, verdict: stuck }, 'found its container unhealthy');
          const run = await recorded(ledger, row.id, () =>
            host.runContainer(
              service.container,
              service.oneShot ? {} : { beforeReplace: servingReplaced },
            ),
          );
          await ledger.markCreated(row.id, run.id);
          const action = stuck === 'removed' && run.action === 'created' ? 'replaced' : run.action;
          if (service.oneShot && action !== 'reused') changes.beyondContainers = true;
          if (!service.oneShot && action === 'replaced') changes.replaced.add(name);
          logger.info({ service: name, container: run.name, action }, 'container up');
          const reused = action === 'reused';
          const wait = (until: WaitCondition) => waitFor(host, service, until, reused, secrets);
          services[name] = {
            container: run.name,
            image: service.container.image,
            action,
            healthy: null,
            state: 'starting',
            ms: 0,
          };
          // Dependents wait for what they asked for before the next layer starts; the full
          // readiness of every service (healthy when it has a healthcheck) is awaited at the end.
          const needed = service.neededBy ? await wait(service.neededBy) : null;
          const ready = (async () => {
            const by = service.neededBy !== service.ready ? await wait(service.ready) : needed;
            services[name] = {
              ...(services[name] as ServiceOutcome),
              healthy: service.ready === 'running' ? null : true,
              state: READY_STATE[service.ready],
              ms: Date.now() - started,
              ...(by ? { readyBy: by } : {}),
            };
          })();
          // The no-op catch keeps a failure from going unhandled if another layer fails first.
          ready.catch(() => undefined);
          readiness.push(ready);
        }),
      );
    }
    const settled = await Promise.allSettled(readiness);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
  };

  try {
    await startLayers();
  } catch (error) {
    if (beside) {
      // The serving revision was never touched: the new slot goes, and it keeps serving. After
      // a lost lease another worker may be using the slot: the next attempt clears it instead.
      if (!(error instanceof LeaseLostError)) {
        await retireSlot({ host, ledger, environmentId: environment.id, slot, logger }).catch(
          (cleanup: unknown) =>
            logger.warn({ err: cleanup }, 'could not remove the new slot after its failure'),
        );
      }
      // A migration or service that exited or failed its healthcheck does so again on a fresh
      // copy: not retried (the serving revision is up either way). Timeouts and the engine are.
      if (error instanceof ServiceNotReadyError && error.own) {
        throw new PermanentStageError(error.message);
      }
      throw error;
    }
    // A newer generation (or a lost lease) owns the environment now: nothing to put back.
    if (
      !(error instanceof SupersededError) &&
      (await putServingBack(deps, ledger, input, changes, ceilings, logger))
    ) {
      // Not retried: another attempt would take the revision just put back down again.
      throw new PermanentStageError(error instanceof Error ? error.message : String(error));
    }
    throw error;
  }

  // An empty database (db:fresh, a reset, the base's first) gets the seed, once everything is up.
  const seeded =
    database &&
    database.mode !== 'snapshot' &&
    (database.action === 'created' || database.action === 'reset')
      ? await runSeed({
          host,
          ledger,
          environmentId: environment.id,
          generation: input.job.generation,
          spec: wiring.spec.berth.database?.seed,
          plan,
          volumes: database.volumes.map((v) => v.name),
          secrets,
          logger,
        })
      : undefined;

  // The base environment, migrated and seeded at the base branch's head: its database is
  // copied (stopped for the copy, then started and awaited again) for db:branch previews.
  let captured: NonNullable<ReplicateDetails['database']>['captured'];
  if (isBaseEnvironment(environment) && database && databaseService && deps.baseStates) {
    await input.assertCurrent();
    const startedAt = Date.now();
    const state = await deps.baseStates.capture({
      environment,
      generation: input.job.generation,
      sha: revision.headSha,
      service: database.service,
      container: databaseService.container.name,
      image: databaseService.container.image,
      // Beside the serving revision, the database's volumes are the new slot's copies.
      volumes: database.volumes.map((v) => ({
        ...v,
        name: plan.volumes.find((p) => p.key === v.key)?.name ?? v.name,
      })),
      logger,
    });
    await waitFor(host, databaseService, databaseService.ready, false, secrets);
    // The database restarted under its clients; an app that does not survive that (a pool
    // without an error handler exits) would leave the base down for frontend-only previews.
    for (const name of clientsOf(wiring.spec, database.service)) {
      const client = plan.services[name];
      if (!client || client.oneShot) continue;
      await host.stopContainer(client.container.name);
      await host.startContainer(client.container.name);
      await waitFor(host, client, client.ready, false, secrets);
    }
    captured = {
      sha: state.sha,
      volumes: Object.values(state.volumes),
      ms: Date.now() - startedAt,
    };
  }

  // Beside the serving revision: the routes move to the new slot now that all of it is ready,
  // then the slot they left goes. In place: what a swap interrupted by a crash left behind.
  let moved: string[] | undefined;
  if (beside) {
    await input.assertCurrent();
    if (!input.setSlot) throw new Error('replicate beside the serving revision needs setSlot');
    await input.setSlot(slot);
    moved = await moveRoutes({
      host,
      routes: new RouteStore(deps.prisma),
      publisher: deps.publisher,
      environment,
      slot,
      ports: wiring.ports ?? {},
      services: plan.services,
    });
    logger.info({ slot, routes: moved }, 'the routes moved to the new slot');
    await new Promise((resolve) => setTimeout(resolve, deps.drainMs ?? DEFAULT_DRAIN_MS));
  }
  const otherRetired = await retireSlot({
    host,
    ledger,
    environmentId: environment.id,
    slot: otherSlot(slot),
    logger,
  });
  removed.push(...otherRetired);

  // Read-only repository mounts of an older checkout: their containers were just replaced.
  removed.push(...(await removeStaleRepoVolumes(host, ledger, environment.id, plan, logger)));

  const endpoints: ReplicateDetails['endpoints'] = {};
  for (const [service, port] of Object.entries(wiring.ports ?? {})) {
    if (!plan.services[service]) continue;
    endpoints[service] = await containerEndpoint(host, { ...environment, slot }, service, port);
  }

  const details: ReplicateDetails = {
    network: plan.networks[0]?.name ?? '',
    subnet: networks.subnet,
    networks: networks.networks,
    volumes: plan.volumes.map((v) => v.name),
    services,
    endpoints,
    removed: [...removed, ...networks.removed],
    clamped,
    slot,
    ...(beside
      ? {
          besideServing: {
            revision: serving?.revision,
            oneShots: toRun,
            copied: copied?.volumes ?? [],
            paused: copied?.paused ?? [],
            pausedMs: copied?.pausedMs ?? 0,
            routes: moved ?? [],
          },
        }
      : {}),
    ...(admission ? { admission } : {}),
    ...(database
      ? {
          database: {
            service: database.service,
            mode: database.mode,
            action: database.action,
            note: database.note,
            ...(database.base ? { baseSha: database.base.sha } : {}),
            volumes: prepared,
            ...(seeded ? { seeded } : {}),
            ...(restored ? { restored } : {}),
            ...(captured ? { captured } : {}),
          },
        }
      : {}),
  };
  return { details: details as unknown as Record<string, unknown> };
}

/**
 * After a failed attempt: the serving revision's replaced containers back, when that is all the
 * attempt changed (roll-back.ts); true once it serves again. A failure to put it back is logged;
 * the attempt's own error is what the stage reports either way.
 */
async function putServingBack(
  deps: ReplicateDeps,
  ledger: ResourceLedger,
  input: StageInput,
  changes: AttemptChanges,
  ceilings: RuntimeCeilings | undefined,
  logger: Logger,
): Promise<boolean> {
  const { environment } = input;
  const serving = rollBackEligible(environment, input.job.generation, changes);
  if (!serving) return false;
  try {
    const { plan, ports, secrets } = await loadServingPlan(deps, environment, serving, ceilings);
    await rollBack({
      host: deps.containerHost,
      ledger,
      routes: new RouteStore(deps.prisma),
      publisher: deps.publisher,
      environment,
      plan,
      ports,
      services: [...changes.replaced].sort(),
      wait: async (name) => {
        const service = plan.services[name] as ServicePlan;
        await waitFor(deps.containerHost, service, service.ready, false, secrets);
      },
      logger,
    });
    await input.setServing?.(serving);
    return true;
  } catch (error) {
    logger.warn({ err: error }, 'could not put the serving revision back');
    return false;
  }
}

interface ServingPlan extends ServingRevision {
  /** The serving revision as it runs: its images, wiring and secrets, in the environment's slot. */
  plan: ReplicatePlan;
  ports: Record<string, number>;
  secrets: string[];
}

async function loadServingPlan(
  deps: ReplicateDeps,
  environment: EnvironmentWithRepository,
  serving: ServingRevision,
  ceilings: RuntimeCeilings | undefined,
): Promise<ServingPlan> {
  const revision = await new RevisionStore(deps.prisma).find(environment.id, serving.revision);
  if (!revision) throw new Error(`revision ${serving.revision} is gone`);
  return { ...serving, ...(await planOfRevision(deps, environment, revision, ceilings)) };
}

/**
 * A stored revision as it runs in the environment's slot: its images and wiring, with the
 * secret scope's values put back (so the same containers and config hashes as when it was
 * replicated), and the values to mask in anything it prints. Sleep's wake and putting a
 * serving revision back both start from it.
 */
export async function planOfRevision(
  deps: ReplicateDeps,
  environment: EnvironmentWithRepository,
  revision: { images: unknown; wiring: unknown },
  ceilings: RuntimeCeilings | undefined,
): Promise<{ plan: ReplicatePlan; ports: Record<string, number>; secrets: string[] }> {
  const outputs = readRevisionOutputs(revision.images, revision.wiring);
  const { wiring, values } = await withSecretValues(deps, environment, outputs.wiring);
  const id = environmentIdentity(
    environment.repository.fullName,
    environment.prNumber,
    environment.slot,
  );
  const plan = replicatePlan(id, wiring.spec, outputs.images, wiring.environment, {
    ...deps,
    ...(ceilings ? { ceilings } : {}),
  });
  return { plan, ports: wiring.ports ?? {}, secrets: [...wiringSecrets(wiring), ...values] };
}

/** The older revision serving at the URLs while this generation replicates, if there is one. */
async function servingPlan(
  deps: ReplicateDeps,
  input: StageInput,
  ceilings: RuntimeCeilings | undefined,
  logger: Logger,
): Promise<ServingPlan | undefined> {
  const { servingSha, servingRevision } = input.environment;
  if (servingSha === null || servingRevision === null) return undefined;
  if (servingRevision >= input.job.generation) return undefined;
  try {
    const serving = { sha: servingSha, revision: servingRevision };
    return await loadServingPlan(deps, input.environment, serving, ceilings);
  } catch (error) {
    // Without its plan nothing can start beside it: the revision is applied in place.
    logger.warn({ err: error }, 'could not read the serving revision');
    return undefined;
  }
}

/** Long-running or not, every service that depends on `service`, directly or through others. */
function clientsOf(spec: ComposeSpec, service: string): string[] {
  const clients = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [name, s] of Object.entries(spec.services)) {
      if (clients.has(name) || name === service) continue;
      if (Object.keys(s.dependsOn).some((d) => d === service || clients.has(d))) {
        clients.add(name);
        grew = true;
      }
    }
  }
  return [...clients].sort();
}

/**
 * A service's wait, with an error that names the service before the driver's detail and logs,
 * secret values removed. The driver's error (raw logs) stays behind: only redacted text leaves.
 * Also a wake's wait (sleep/environment-sleep.ts): readiness is judged the same way.
 */
export async function waitFor(
  host: ContainerHost,
  service: ServicePlan,
  until: WaitCondition,
  /** Already running before this run (reused): no need to watch it settle. */
  reused: boolean,
  secrets: readonly string[],
): Promise<Readiness['by']> {
  try {
    const { by } = await waitReady(host, service.container.name, {
      until,
      timeoutMs: service.timeoutMs,
      ...(reused ? { settleMs: 0 } : {}),
      ...(service.container.healthcheck ? { healthcheck: service.container.healthcheck } : {}),
    });
    return by;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const what = service.oneShot ? 'one-shot service' : 'service';
    const own =
      error instanceof ContainerWaitError &&
      (error.reason === 'exited' || error.reason === 'unhealthy');
    throw new ServiceNotReadyError(
      redactSecrets(`${what} ${service.service} did not become ${until}: ${detail}`, secrets),
      own,
    );
  }
}

/** A service of the revision did not become ready; `own`: it exited or failed its healthcheck. */
export class ServiceNotReadyError extends Error {
  override readonly name = 'ServiceNotReadyError';
  constructor(
    message: string,
    /** The revision's own doing (not a timeout or the engine): another attempt fails the same. */
    readonly own: boolean,
  ) {
    super(message);
  }
}

async function removeStaleContainers(
  host: ContainerHost,
  ledger: ResourceLedger,
  environmentId: string,
  plan: ReplicatePlan,
  logger: Logger,
  beforeRemove: () => Promise<void>,
): Promise<string[]> {
  const wanted = new Set(Object.values(plan.services).map((s) => s.container.name));
  const stale = (await ledger.live(environmentId)).filter(
    (row) => row.kind === 'container' && row.provider === 'docker' && !wanted.has(row.name),
  );
  if (stale.length > 0) await beforeRemove();
  for (const row of stale) {
    await ledger.markDeleting(row.id);
    await host.removeContainer(row.name);
    await ledger.markDeleted(row.id);
    logger.info(
      { container: row.name },
      'removed the container of a service no longer in the spec',
    );
  }
  return stale.map((row) => row.name);
}

async function removeStaleRepoVolumes(
  host: ContainerHost,
  ledger: ResourceLedger,
  environmentId: string,
  plan: ReplicatePlan,
  logger: Logger,
): Promise<string[]> {
  const wanted = new Set(plan.volumes.map((v) => v.name));
  const stale = (await ledger.live(environmentId)).filter(
    (row) =>
      row.kind === 'volume' &&
      row.provider === 'docker' &&
      (row.metadata as { repoMount?: boolean } | null)?.repoMount === true &&
      !wanted.has(row.name),
  );
  const removed: string[] = [];
  for (const row of stale) {
    try {
      await ledger.markDeleting(row.id);
      await host.removeVolume(row.name);
      await ledger.markDeleted(row.id);
      removed.push(row.name);
    } catch (error) {
      // Still held by something: teardown removes it with the environment.
      logger.warn({ volume: row.name, err: error }, 'could not remove an old repository volume');
    }
  }
  return removed;
}

/** Runs a create; a failure marks its ledger row failed (teardown still removes it). */
async function recorded<T>(ledger: ResourceLedger, rowId: string, create: () => Promise<T>) {
  try {
    return await create();
  } catch (error) {
    await ledger.markFailed(rowId).catch(() => undefined);
    throw error;
  }
}

/**
 * The wiring with its secret markers replaced by the environment's secret scope (a wake builds
 * the same containers, so the same config hashes, from it).
 */
export async function withSecretValues<
  W extends { secretRefs?: { nonce: string; names: string[] } },
>(
  deps: ReplicateDeps,
  environment: EnvironmentWithRepository,
  wiring: W,
): Promise<{ wiring: W; values: string[] }> {
  const refs = wiring.secretRefs;
  if (!refs || refs.names.length === 0) return { wiring, values: [] };
  if (!deps.secrets) {
    throw new Error('the revision uses secrets but this worker has no secret scope store');
  }
  const values = await deps.secrets.read(environment);
  if (!values) {
    throw new Error(
      "the environment's secret scope is missing (removed, or never written): redeploy to wire it again",
    );
  }
  return { wiring: resolveSecretRefs(wiring, refs, values), values: Object.values(values) };
}
