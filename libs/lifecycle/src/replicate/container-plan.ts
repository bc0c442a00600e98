// Pure: one environment's compose model + build/wire outputs → what the replicate stage creates.
// No Docker, no database: every name, label, limit and wait condition is decided here.

import {
  BASELINE_CAPABILITIES,
  clampLimits,
  type ComposeSpec,
  type DependencyCondition,
  type EnvironmentIdentity,
  type HealthcheckSpec as ComposeHealthcheck,
  type LimitClamp,
  type RuntimeCeilings,
  type RuntimeLimits,
  type ServiceSpec,
  containerName,
  serviceCountProblem,
  networkCountProblem,
  networkName,
  networkTopology,
  readImages,
  readWiring,
  resourceLabels,
  shortHash,
  startOrder,
  volumeName,
} from '@berth/core';
import {
  type ContainerSpec,
  DEFAULT_LIMITS,
  type HealthcheckSpec,
  type ResourceLimits,
  type WaitCondition,
} from '@berth/providers';
import type { RevisionImages, RevisionWiring } from '../pipeline/revision-outputs.js';
import { PermanentStageError } from '../pipeline/stage-handler.js';

// The baseline is defined in core beside the allowlist it must stay inside.
export { BASELINE_CAPABILITIES };

export interface VolumePlan {
  /**
   * Compose name (`db-data`), `<service>#anon<i>` for an anonymous volume, `<service>#ro:<target>`
   * for a read-only repository mount.
   */
  key: string;
  name: string;
  labels: Record<string, string>;
  /**
   * A read-only repository mount's volume: filled from the service's derived image, named by
   * its content (a new checkout gets a new volume; the old one goes once nothing uses it).
   * `fill` is set for a single file, staged alone at `path` in the image; a directory's volume
   * is filled by the engine when the service's own container is created with it.
   */
  repoMount?: { fill?: { image: string; path: string } };
}

export interface ServicePlan {
  service: string;
  container: ContainerSpec;
  /** A run-to-completion job something waits on with service_completed_successfully. */
  oneShot: boolean;
  /** What dependents need before they start (strongest condition asked), if anything. */
  neededBy?: WaitCondition;
  /** What "up" means for this service at the end of the stage (one-shots: exited 0). */
  ready: WaitCondition;
  /** Bound on the `ready` / `neededBy` wait. */
  timeoutMs: number;
}

/** One compose network of the environment, as one Docker network. */
export interface NetworkPlan {
  /** The compose network (`default`, `backend`). */
  key: string;
  name: string;
  labels: Record<string, string>;
  /** `internal: true` in the compose file: no route off the host whatever the operator allows. */
  internal: boolean;
  /** Services on it: how many addresses its slice of the subnet needs. */
  members: string[];
}

export interface ReplicatePlan {
  /** `default` first (it keeps the name the preview network always had), then by name. */
  networks: NetworkPlan[];
  volumes: VolumePlan[];
  /** Start order: a layer starts once every earlier layer met what it is needed for. */
  layers: string[][];
  services: Record<string, ServicePlan>;
  /** Limits the compose file asked for above the repository's ceilings, lowered to them. */
  clamps: LimitClamp[];
  /** The environment's slot its names are in (decision 0040). */
  slot: number;
}

export interface PlanOptions {
  /** Limits for services whose compose file leaves them out (the driver fills what is still missing). */
  defaultLimits?: ResourceLimits;
  /** The repository's ceilings: limits above them are clamped, more services refused. */
  ceilings?: RuntimeCeilings;
  baselineCapabilities?: readonly string[];
  /** Bounds on waits; healthchecks get at least as long as their own retries take. */
  timeouts?: Partial<WaitTimeouts>;
  /** MAX_NETWORKS: compose networks one preview may have; unset, no cap. */
  maxNetworks?: number;
}

export interface WaitTimeouts {
  runningMs: number;
  oneShotMs: number;
  /** Floor and ceiling of a healthy wait (the healthcheck's own schedule decides in between). */
  healthyMinMs: number;
  healthyMaxMs: number;
}

export const DEFAULT_TIMEOUTS: WaitTimeouts = {
  runningMs: 30_000,
  oneShotMs: 5 * 60_000,
  healthyMinMs: 30_000,
  healthyMaxMs: 5 * 60_000,
};

const CONDITION_WAIT: Record<DependencyCondition, WaitCondition> = {
  service_started: 'running',
  service_healthy: 'healthy',
  service_completed_successfully: 'exited-0',
};
const STRENGTH: Record<WaitCondition, number> = { running: 0, healthy: 1, 'exited-0': 2 };

/** Reads the build and wire outputs off a revision, naming what is missing and which stage owes it. */
/**
 * The revision's outputs replicate needs, through core's one reader, refused with the stage that
 * should have written them when they are not there.
 */
export function readRevisionOutputs(
  images: unknown,
  wiring: unknown,
): { images: RevisionImages; wiring: RevisionWiring } {
  const w = readWiring(wiring);
  if (!w.spec) {
    throw new Error('revision.wiring.spec is missing: the wire stage must run before replicate');
  }
  const raw = wiring as { environment?: unknown } | null;
  if (!raw || typeof raw.environment !== 'object' || raw.environment === null) {
    throw new Error(
      'revision.wiring.environment is missing: the wire stage must run before replicate',
    );
  }
  if (!images || typeof images !== 'object') {
    throw new Error('revision.images is missing: the build stage must run before replicate');
  }
  const imgs = readImages(images);
  for (const service of Object.keys(w.spec.services)) {
    if (!imgs[service]?.tag) {
      throw new Error(
        `revision.images.${service}.tag is missing: the build stage did not record an image for service ${service}`,
      );
    }
  }
  const { wired: _wired, spec, ...rest } = w;
  return { images: imgs, wiring: { ...rest, spec } };
}

export function replicatePlan(
  id: EnvironmentIdentity,
  spec: ComposeSpec,
  images: RevisionImages,
  environment: RevisionWiring['environment'],
  options: PlanOptions = {},
): ReplicatePlan {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const count = Object.keys(spec.services).length;
  const tooMany = options.ceilings
    ? serviceCountProblem(count, options.ceilings.maxServices, id.repository.fullName)
    : undefined;
  // Also refused when the compose file is loaded (before any build); this guards the plan itself.
  if (tooMany) throw new PermanentStageError(`${tooMany.path}: ${tooMany.message}`);
  const topology = networkTopology(spec);
  const tooManyNetworks =
    options.maxNetworks === undefined
      ? undefined
      : networkCountProblem(topology, options.maxNetworks);
  if (tooManyNetworks) {
    throw new PermanentStageError(`${tooManyNetworks.path}: ${tooManyNetworks.message}`);
  }
  const networks: NetworkPlan[] = topology.networks.map((n) => ({
    key: n.key,
    name: networkName(id, n.key),
    // Berth's labels last: a compose file cannot relabel a network into another environment.
    labels: { ...n.labels, ...resourceLabels(id), 'berth.network': n.key },
    internal: n.internal,
    members: n.members,
  }));
  const { layers, oneShot } = startOrder(spec);

  const neededBy = new Map<string, WaitCondition>();
  for (const service of Object.values(spec.services)) {
    for (const [dep, { condition }] of Object.entries(service.dependsOn)) {
      const wait = CONDITION_WAIT[condition];
      const current = neededBy.get(dep);
      if (!current || STRENGTH[wait] > STRENGTH[current]) neededBy.set(dep, wait);
    }
  }

  const volumes: VolumePlan[] = Object.keys(spec.volumes)
    .sort()
    .map((key) => ({
      key,
      name: volumeName(id, key),
      labels: { ...resourceLabels(id), 'berth.volume': key },
    }));

  const services: Record<string, ServicePlan> = {};
  const clamps: LimitClamp[] = [];
  for (const service of Object.values(spec.services)) {
    const limited = serviceLimits(service, options);
    clamps.push(...limited.clamps);
    const isOneShot = oneShot.includes(service.name);
    const anonymous = anonymousVolumes(id, service);
    volumes.push(...anonymous.map(({ plan }) => plan));
    const readOnly = readOnlyRepoVolumes(id, service.name, images[service.name]);
    volumes.push(...readOnly.map(({ plan }) => plan));
    const healthcheck = toHealthcheck(service.healthcheck);
    const needed = neededBy.get(service.name);
    if (needed === 'healthy' && !healthcheck) {
      // A spec problem: the same file fails the same way, so it is not retried.
      throw new PermanentStageError(
        `services.${service.name}: a dependent waits for it with service_healthy, but it has no healthcheck; add one or use service_started`,
      );
    }
    const ready: WaitCondition = isOneShot ? 'exited-0' : healthcheck ? 'healthy' : 'running';
    services[service.name] = {
      service: service.name,
      oneShot: isOneShot,
      ...(needed ? { neededBy: needed } : {}),
      ready,
      timeoutMs: waitTimeout(ready, service.healthcheck, timeouts),
      container: containerSpec(
        id,
        service,
        images,
        environment,
        (topology.services[service.name] ?? ['default']).map((key) => networkName(id, key)),
        healthcheck,
        [...anonymous, ...readOnly],
        isOneShot,
        limited.limits,
        options,
      ),
    };
  }
  return { networks, volumes, layers, services, clamps, slot: id.slot ?? 0 };
}

function containerSpec(
  id: EnvironmentIdentity,
  service: ServiceSpec,
  images: RevisionImages,
  environment: RevisionWiring['environment'],
  /** Docker names of its networks, in the order the service listed them. */
  networks: string[],
  healthcheck: HealthcheckSpec | undefined,
  anonymous: { plan: VolumePlan; target: string; readOnly: boolean; file?: string }[],
  oneShot: boolean,
  limits: RuntimeLimits,
  options: PlanOptions,
): ContainerSpec {
  const image = images[service.name]?.tag;
  if (!image) throw new Error(`revision.images.${service.name}.tag is missing`);
  const env = environment[service.name];
  if (!env) {
    throw new Error(
      `revision.wiring.environment.${service.name} is missing: the wire stage computes every service's environment`,
    );
  }
  const named = service.mounts.flatMap((m) =>
    m.type === 'volume'
      ? [{ volume: volumeName(id, m.source), target: m.target, readOnly: m.readOnly }]
      : [],
  );
  const tmpfs = Object.fromEntries(
    service.mounts.flatMap((m) => (m.type === 'tmpfs' ? [[m.target, '']] : [])),
  );
  const secretFiles = service.mounts.flatMap((m) => {
    if (m.type !== 'scope-secret') return [];
    if (m.content === undefined) {
      throw new Error(
        `services.${service.name}.secrets: ${m.name} has no value in this revision's wiring; redeploy to wire it again`,
      );
    }
    return [{ target: m.target, content: m.content }];
  });
  const capAdd = [
    ...new Set([...(options.baselineCapabilities ?? BASELINE_CAPABILITIES), ...service.capAdd]),
  ].sort();
  return {
    name: containerName(id, service.name),
    image,
    ...(service.command ? { command: service.command } : {}),
    ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
    env: { ...env },
    // Berth's labels last: a compose file cannot relabel a container into another environment.
    labels: { ...service.labels, ...resourceLabels(id, service.name) },
    // On each of its networks it answers to its name, its `hostname:` and that network's aliases
    // (nginx upstreams name them); a service on no shared network is unreachable, as in compose.
    network: { name: networks[0] as string, aliases: networkAliases(service, 0) },
    ...(networks.length > 1
      ? {
          extraNetworks: networks
            .slice(1)
            .map((name, i) => ({ name, aliases: networkAliases(service, i + 1) })),
        }
      : {}),
    ...(healthcheck ? { healthcheck } : {}),
    ...(service.user !== undefined ? { user: service.user } : {}),
    ...(service.workingDir !== undefined ? { workingDir: service.workingDir } : {}),
    ...(service.hostname !== undefined ? { hostname: service.hostname } : {}),
    mounts: [
      ...named,
      ...anonymous.map((a) => ({
        volume: a.plan.name,
        target: a.target,
        readOnly: a.readOnly,
        ...(a.file !== undefined ? { file: a.file } : {}),
      })),
    ],
    ...(Object.keys(tmpfs).length ? { tmpfs } : {}),
    ...(secretFiles.length ? { secretFiles } : {}),
    limits,
    capAdd,
    ...(service.readOnly ? { readonlyRootfs: true } : {}),
    // Long-running services come back after a crash or a daemon restart; one-shots run once.
    restart: oneShot ? 'no' : 'unless-stopped',
  };
}

/** The names a service answers to on its index-th network. */
function networkAliases(service: ServiceSpec, index: number): string[] {
  const key = service.networks?.[index] ?? 'default';
  const perNetwork = service.networkAliases
    ? [...(service.hostname ? [service.hostname] : []), ...(service.networkAliases[key] ?? [])]
    : (service.aliases ?? []);
  return [...new Set([service.name, ...perNetwork])];
}

/**
 * Every limit resolved (the compose file's over the defaults), then held to the repository's
 * ceilings. Resolved here, not in the driver, so admission sums the memory that will be set.
 */
function serviceLimits(
  service: ServiceSpec,
  options: PlanOptions,
): { limits: RuntimeLimits; clamps: LimitClamp[] } {
  const defaults: RuntimeLimits = {
    ...DEFAULT_LIMITS,
    ...definedOnly(options.defaultLimits ?? {}),
  };
  const requested = definedOnly(service.limits);
  if (!options.ceilings) return { limits: { ...defaults, ...requested }, clamps: [] };
  return clampLimits(service.name, requested, defaults, options.ceilings);
}

/**
 * The writable volumes a service keeps its state in (named and anonymous, never repository
 * mounts): for the database service, what `db:branch` copies and a base state captures.
 */
export function stateVolumes(
  id: EnvironmentIdentity,
  service: ServiceSpec,
): { name: string; key: string; target: string }[] {
  return service.mounts.flatMap((m, i) =>
    m.type === 'volume' && !m.readOnly
      ? [{ name: volumeName(id, m.source), key: m.source, target: m.target }]
      : m.type === 'anonymous' && !m.readOnly
        ? [
            {
              name: volumeName(id, `${service.name}-anon${i}`),
              key: `${service.name}#anon${i}`,
              target: m.target,
            },
          ]
        : [],
  );
}

/** The port only mounts named volumes: an anonymous one becomes a per-service named volume. */
function anonymousVolumes(id: EnvironmentIdentity, service: ServiceSpec) {
  return service.mounts.flatMap((m, i) =>
    m.type === 'anonymous'
      ? [
          {
            plan: {
              key: `${service.name}#anon${i}`,
              name: volumeName(id, `${service.name}-anon${i}`),
              labels: { ...resourceLabels(id, service.name), 'berth.volume': `anon${i}` },
            },
            target: m.target,
            readOnly: m.readOnly,
          },
        ]
      : [],
  );
}

/**
 * Repository mounts not declared `rw` (bind mounts, configs, file secrets), read-only at the
 * mount: each from a volume holding what the derived image holds for it, so a write fails with
 * EROFS as under compose. `rw` ones stay in the image's writable layer.
 */
function readOnlyRepoVolumes(
  id: EnvironmentIdentity,
  service: string,
  image: RevisionImages[string] | undefined,
) {
  return (image?.readOnlyMounts ?? []).map((m) => {
    const key = `${service}#ro:${m.target}`;
    const plan: VolumePlan = {
      key,
      name: volumeName(id, `${service}-ro-${shortHash(`${image?.tag}\n${m.target}`, 12)}`),
      labels: { ...resourceLabels(id, service), 'berth.volume': 'repository-mount' },
      repoMount:
        m.kind === 'file' && m.staged
          ? { fill: { image: image?.tag as string, path: m.staged.dir } }
          : {},
    };
    return {
      plan,
      target: m.target,
      readOnly: true,
      ...(m.kind === 'file' && m.staged ? { file: m.staged.name } : {}),
    };
  });
}

export function toHealthcheck(h: ComposeHealthcheck | undefined): HealthcheckSpec | undefined {
  if (!h || h.test.kind === 'NONE') return undefined;
  const test = h.test.kind === 'CMD' ? ['CMD', ...h.test.argv] : ['CMD-SHELL', h.test.command];
  return {
    test,
    ...(h.intervalMs !== undefined ? { intervalMs: h.intervalMs } : {}),
    ...(h.timeoutMs !== undefined ? { timeoutMs: h.timeoutMs } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
    ...(h.startPeriodMs !== undefined ? { startPeriodMs: h.startPeriodMs } : {}),
  };
}

/**
 * A healthy wait lasts as long as the healthcheck's own schedule allows (start period + every
 * retry at interval + timeout, Docker's defaults 30 s / 30 s / 3), clamped to the bounds.
 */
function waitTimeout(
  ready: WaitCondition,
  h: ComposeHealthcheck | undefined,
  t: WaitTimeouts,
): number {
  if (ready === 'exited-0') return t.oneShotMs;
  if (ready === 'running') return t.runningMs;
  const interval = h?.intervalMs ?? 30_000;
  const timeout = h?.timeoutMs ?? 30_000;
  const schedule = (h?.startPeriodMs ?? 0) + (interval + timeout) * ((h?.retries ?? 3) + 1);
  return Math.min(t.healthyMaxMs, Math.max(t.healthyMinMs, schedule));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Ledger metadata marking a row as a slot's (decision 0040): nothing for slot 0, as before slots. */
export function slotMetadata(slot: number): { slot?: number } {
  return slot === 0 ? {} : { slot };
}
