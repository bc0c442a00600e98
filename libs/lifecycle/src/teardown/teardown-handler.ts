// Stage 6: remove everything an environment holds. Walks the ledger (routes → containers →
// volumes → networks), then sweeps the Docker host for anything still carrying the
// environment's label, recording it, so nothing Berth made outlives the environment.
// Idempotent: a resource that is already gone counts as deleted.

import {
  LABEL_ENV,
  environmentIdentity,
  type PreviewDns,
  type PreviewScopes,
  resourceLabels,
} from '@berth/core';
import type { RoutePublisher } from '../pipeline/route-publisher.js';
import { type PrismaClient, type Resource, ResourceLedger, RouteStore } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import { ROUTES_CHANNEL } from '@berth/queue';
import type { StageHandler, StageInput, StageOutcome } from '../pipeline/stage-handler.js';
import { type RemovableKind, teardownPlan } from './teardown-order.js';

/** Redis pub/sub publishing (an ioredis client fits). */
export interface TeardownDeps {
  containerHost: ContainerHost;
  prisma: PrismaClient;
  publisher: RoutePublisher;
  /** Defaults to a ledger over `prisma`. */
  ledger?: ResourceLedger;
  /**
   * The secret scope drivers by ledger provider: a scope is removed by the driver that wrote it,
   * even after the operator switched SECRET_BACKEND.
   */
  secretScopes?: Partial<Record<PreviewScopes['provider'], Pick<PreviewScopes, 'remove'>>>;
  /** Per-host DNS (DNS_PROVIDER=route53): its records go right after the routes. */
  dns?: Pick<PreviewDns, 'provider' | 'remove'>;
}

type DockerKind = Exclude<RemovableKind, 'route' | 'subnet' | 'secret' | 'dns_record'>;

export interface TeardownDetails {
  removed: {
    containers: string[];
    volumes: string[];
    networks: string[];
    routes: string[];
    /** Address ranges given back to SUBNET_POOL. */
    subnets: string[];
    /** Secret scopes (Berth's table or Secrets Manager), removed with no recovery window. */
    secrets: string[];
    /** Per-host DNS records (and their ownership TXT records). */
    dns: string[];
  };
  /** Found on the host with this environment's label but not in the ledger; now removed. */
  swept: { kind: DockerKind; name: string }[];
  /** Shared images the ledger attributes to the environment: kept (other PRs reuse them). */
  keptShared: string[];
}

export function createTeardownHandler(deps: TeardownDeps): StageHandler {
  const ledger = deps.ledger ?? new ResourceLedger(deps.prisma);
  const routes = new RouteStore(deps.prisma);
  return { stage: 'teardown', run: (input) => teardown(deps, ledger, routes, input) };
}

const DETAIL_KEY = {
  route: 'routes',
  container: 'containers',
  volume: 'volumes',
  network: 'networks',
  subnet: 'subnets',
  secret: 'secrets',
  dns_record: 'dns',
} as const;

async function teardown(
  deps: TeardownDeps,
  ledger: ResourceLedger,
  routes: RouteStore,
  input: StageInput,
): Promise<StageOutcome> {
  const { environment } = input;
  const logger = input.logger.child({ stage: 'teardown' });
  const id = environmentIdentity(environment.repository.fullName, environment.prNumber);
  const envLabel = resourceLabels(id)[LABEL_ENV] as string;
  const plan = teardownPlan(await ledger.live(environment.id));
  const details: TeardownDetails = {
    removed: {
      containers: [],
      volumes: [],
      networks: [],
      routes: [],
      subnets: [],
      secrets: [],
      dns: [],
    },
    swept: [],
    keptShared: plan.shared.map((r) => r.name),
  };
  const failures: string[] = [];

  const removeRow = async (row: Resource, remove: () => Promise<void>) => {
    try {
      await ledger.markDeleting(row.id);
      await remove();
      await ledger.markDeleted(row.id);
      details.removed[DETAIL_KEY[row.kind as RemovableKind]].push(row.name);
    } catch (error) {
      // Keep going: everything removable goes now; the retry picks up what is left.
      failures.push(`${row.kind} ${row.name}: ${message(error)}`);
      logger.warn({ err: error, kind: row.kind, name: row.name }, 'teardown removal failed');
    }
  };

  for (const { kind, rows } of plan.steps) {
    if (kind === 'route') {
      for (const row of rows) await removeRow(row, () => removeRoute(deps, routes, row.name));
      // Routes written without a ledger row still must not outlive the environment.
      for (const route of await routes.ofEnvironment(environment.id)) {
        await removeRoute(deps, routes, route.hostname);
        details.removed.routes.push(route.hostname);
      }
      continue;
    }
    if (kind === 'dns_record') {
      await removeDns(deps.dns, ledger, environment, rows, details, failures);
      continue;
    }
    if (kind === 'secret') {
      for (const row of rows) {
        const driver = deps.secretScopes?.[row.provider as PreviewScopes['provider']];
        if (!driver) {
          failures.push(`secret ${row.name}: no driver for ${row.provider} on this worker`);
          continue;
        }
        await removeRow(row, () => driver.remove(row.name));
      }
      continue;
    }
    if (kind === 'subnet') {
      // Nothing to remove on the host: the range is free once no network of this environment
      // exists. A network whose removal failed keeps its range held until a retry removes it.
      const networksLeft = (await ledger.live(environment.id)).some((r) => r.kind === 'network');
      for (const row of rows) {
        if (networksLeft) failures.push(`subnet ${row.name}: held until its network is removed`);
        else await removeRow(row, async () => undefined);
      }
      continue;
    }
    // Within a kind nothing depends on anything else: remove in parallel (a stopped postgres
    // takes a while to die).
    await Promise.all(
      rows.map(async (row) => {
        if (row.provider !== 'docker') {
          failures.push(`${row.kind} ${row.name}: provider ${row.provider} has no teardown yet`);
          return;
        }
        await removeRow(row, () => removeDocker(deps.containerHost, kind, row.name));
      }),
    );
    // Safety sweep for this kind: anything with the environment's label the ledger missed.
    const failed = new Set(rows.map((r) => r.name));
    for (const name of details.removed[DETAIL_KEY[kind]]) failed.delete(name);
    await sweep(
      deps.containerHost,
      ledger,
      environment.id,
      envLabel,
      kind,
      failed,
      details,
      failures,
    );
  }

  for (const row of plan.unsupported) {
    failures.push(
      `${row.kind} ${row.name} (${row.provider}): Berth cannot remove ${row.kind} resources yet — ` +
        'remove it by hand, then mark its ledger row deleted',
    );
  }
  if (failures.length > 0) {
    throw new Error(`teardown left ${failures.length} resource(s):\n${failures.join('\n')}`);
  }
  logger.info({ removed: details.removed, swept: details.swept.length }, 'environment torn down');
  return { details: details as unknown as Record<string, unknown> };
}

/** All of the environment's hosts in one call: the driver batches them with other teardowns. */
async function removeDns(
  dns: TeardownDeps['dns'],
  ledger: ResourceLedger,
  environment: StageInput['environment'],
  rows: Resource[],
  details: TeardownDetails,
  failures: string[],
): Promise<void> {
  if (rows.length === 0) return;
  const mine = rows.filter((r) => r.provider === dns?.provider);
  for (const row of rows.filter((r) => r.provider !== dns?.provider)) {
    failures.push(`dns_record ${row.name}: no driver for ${row.provider} on this worker`);
  }
  if (!dns || mine.length === 0) return;
  try {
    for (const row of mine) await ledger.markDeleting(row.id);
    await dns.remove(
      { environmentId: environment.id, repository: environment.repository.fullName },
      mine.map((r) => r.name),
    );
    for (const row of mine) {
      await ledger.markDeleted(row.id);
      details.removed.dns.push(row.name);
    }
  } catch (error) {
    failures.push(`dns_record ${mine.map((r) => r.name).join(', ')}: ${message(error)}`);
  }
}

async function removeRoute(
  deps: TeardownDeps,
  routes: RouteStore,
  hostname: string,
): Promise<void> {
  await routes.removeHostname(hostname);
  // The gateway caches routes: tell it this hostname is gone.
  await deps.publisher.publish(ROUTES_CHANNEL, hostname);
}

function removeDocker(host: ContainerHost, kind: DockerKind, name: string): Promise<void> {
  if (kind === 'container') return host.removeContainer(name);
  if (kind === 'volume') return host.removeVolume(name);
  return host.removeNetwork(name);
}

async function sweep(
  host: ContainerHost,
  ledger: ResourceLedger,
  environmentId: string,
  envLabel: string,
  kind: DockerKind,
  /** Recorded resources whose removal already failed this run (reported once, not swept). */
  skip: ReadonlySet<string>,
  details: TeardownDetails,
  failures: string[],
): Promise<void> {
  const found = await host.listByLabels({ [LABEL_ENV]: envLabel });
  const names =
    kind === 'container'
      ? found.containers.map((c) => c.name)
      : kind === 'volume'
        ? found.volumes.map((v) => v.name)
        : found.networks.map((n) => n.name);
  for (const name of names.filter((n) => !skip.has(n))) {
    try {
      // Recorded before it is removed, like everything else, and flagged for operators.
      const row = await ledger.plan({
        kind,
        provider: 'docker',
        name,
        environmentId,
        metadata: { sweptUnrecorded: true },
      });
      await ledger.markDeleting(row.id);
      await removeDocker(host, kind, name);
      await ledger.markDeleted(row.id);
      details.swept.push({ kind, name });
    } catch (error) {
      failures.push(`unrecorded ${kind} ${name}: ${message(error)}`);
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
