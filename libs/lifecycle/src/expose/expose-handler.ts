import { isBaseEnvironment, type PreviewDns, readWiring, type WiringRead } from '@berth/core';
import { type AccessMode, type PrismaClient, type Route, RouteStore } from '@berth/db';
import type { RoutePublisher } from '../pipeline/route-publisher.js';
import type { ContainerHost } from '@berth/providers';
import { ROUTES_CHANNEL } from '@berth/queue';
import { ResourceLedger } from '@berth/db';
import {
  PermanentStageError,
  type StageHandler,
  type StageInput,
  type StageOutcome,
} from '../pipeline/stage-handler.js';
import { containerEndpoint } from '../replicate/container-endpoint.js';

export interface ExposeDeps {
  prisma: PrismaClient;
  ledger?: ResourceLedger;
  containerHost: ContainerHost;
  publisher: RoutePublisher;
  /** Per-host DNS records (DNS_PROVIDER=route53); the wildcard driver writes none. */
  dns?: PreviewDns;
}

export interface ExposeDetails {
  routes: {
    hostname: string;
    service: string;
    target: string;
    access: AccessMode;
    action: 'created' | 'updated' | 'unchanged';
    /** A frontend-only preview's route to the base environment's service. */
    borrowed?: true;
  }[];
  /** The base environment: frontend-only previews' routes moved to its new containers. */
  lent?: string[];
  /** Hostnames of services no longer exposed, removed. */
  removed: string[];
  /** DNS records written (per-host DNS only), and removed with their service. */
  dns?: { published: string[]; removed: string[] };
}

interface DesiredRoute {
  hostname: string;
  service: string;
  targetHost: string;
  targetPort: number;
  accessMode: AccessMode;
  borrowedFrom?: string;
  originMap?: Record<string, string>;
}

/**
 * Stage 5 (expose): one gateway route per exposed service — hostname → the service container's
 * address on the environment network. Observe (routes, ledger, containers) → compare → write only
 * what differs → tell the gateways. The PR comment is the reporter's job (on `ready`).
 */
export function createExposeHandler(deps: ExposeDeps): StageHandler {
  const ledger = deps.ledger ?? new ResourceLedger(deps.prisma);
  const routes = new RouteStore(deps.prisma);
  return { stage: 'expose', run: (input) => expose(deps, routes, ledger, input) };
}

async function expose(
  deps: ExposeDeps,
  routes: RouteStore,
  ledger: ResourceLedger,
  input: StageInput,
): Promise<StageOutcome> {
  const { environment, revision } = input;
  const wiring = readWiring(revision.wiring);
  if (!wiring.wired) {
    throw new Error(
      `revision ${revision.generation} of environment ${environment.id} has no wiring (hostnames/ports): run the wire stage first`,
    );
  }
  const accessMode: AccessMode = wiring.public ? 'public' : 'private';

  // Observe: where each exposed service's container is now (a borrowed one: the base's).
  const lender = wiring.shape ? await lenderRoutes(routes, wiring) : undefined;
  const desired: DesiredRoute[] = [];
  for (const [service, hostname] of Object.entries(wiring.hostnames).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const borrowed = lender?.routes.get(service);
    if (lender && borrowed) {
      desired.push({
        hostname,
        service,
        targetHost: borrowed.targetHost,
        targetPort: borrowed.targetPort,
        accessMode,
        borrowedFrom: lender.environmentId,
        originMap: lender.originMap,
      });
      continue;
    }
    const port = wiring.ports[service];
    if (port === undefined) {
      throw new Error(`wiring exposes service ${service} (${hostname}) but has no port for it`);
    }
    const endpoint = await containerEndpoint(deps.containerHost, environment, service, port);
    desired.push({
      hostname,
      service,
      targetHost: endpoint.host,
      targetPort: endpoint.port,
      accessMode,
    });
  }
  await input.assertCurrent();

  const details: ExposeDetails = { routes: [], removed: [] };
  for (const route of desired) {
    const action = await upsertRoute(routes, ledger, environment.id, route);
    details.routes.push({
      hostname: route.hostname,
      service: route.service,
      target: `${route.targetHost}:${route.targetPort}`,
      access: route.accessMode,
      action,
      ...(route.borrowedFrom ? { borrowed: true as const } : {}),
    });
  }
  // The base environment's containers were (maybe) replaced: routes borrowing them follow.
  const lent: string[] = [];
  if (isBaseEnvironment(environment)) {
    for (const route of desired) {
      const borrowers = await routes.borrowersOf(environment.id, route.service);
      lent.push(...(await routes.retarget(borrowers, route.targetHost, route.targetPort)));
    }
    if (lent.length > 0) details.lent = lent;
  }

  const wanted = new Set(desired.map((r) => r.hostname));
  const stale = await routes.staleOf(environment.id, [...wanted]);
  for (const route of stale) {
    await removeRoute(routes, ledger, route);
    details.removed.push(route.hostname);
  }
  if (deps.dns && deps.dns.provider !== 'dns_wildcard') {
    details.dns = await exposeDns(deps.dns, ledger, input, [...wanted]);
  }

  // Always announce, even when nothing changed: a crash between the write and the publish of
  // an earlier attempt must not leave a gateway serving its cached, outdated target.
  for (const hostname of [...wanted, ...details.removed, ...lent]) {
    await deps.publisher.publish(ROUTES_CHANNEL, hostname);
  }
  input.logger.info(
    {
      routes: details.routes.map((r) => `${r.hostname} ${r.action}`),
      removed: details.removed,
      ...(lent.length > 0 ? { lent } : {}),
    },
    'routes exposed',
  );
  return { details: details as unknown as Record<string, unknown> };
}

async function upsertRoute(
  routes: RouteStore,
  ledger: ResourceLedger,
  environmentId: string,
  route: DesiredRoute,
): Promise<ExposeDetails['routes'][number]['action']> {
  const current = await routes.find(route.hostname);
  if (current && current.environmentId !== environmentId) {
    const owner = await routes.owner(current.environmentId);
    if (owner && owner.state !== 'destroyed') {
      throw new Error(
        `hostname ${route.hostname} is already routed to environment ${owner.id} (PR #${owner.prNumber}): two repositories with the same name need hostnames that include the owner`,
      );
    }
  }
  const record = await routes.ledgerRecord(route.hostname);
  const same =
    current !== null &&
    current.environmentId === environmentId &&
    current.service === route.service &&
    current.targetHost === route.targetHost &&
    current.targetPort === route.targetPort &&
    current.accessMode === route.accessMode &&
    (current.borrowedFrom ?? undefined) === route.borrowedFrom &&
    JSON.stringify(current.originMap ?? null) === JSON.stringify(route.originMap ?? null);
  if (same && record?.state === 'created' && record.environmentId === environmentId) {
    return 'unchanged';
  }

  const planned = await ledger.plan({
    kind: 'route',
    provider: 'gateway',
    name: route.hostname,
    environmentId,
    metadata: {
      service: route.service,
      target: `${route.targetHost}:${route.targetPort}`,
      access: route.accessMode,
    },
  });
  const written = await routes.upsert({ ...route, environmentId });
  await ledger.markCreated(planned.id, written.id);
  return current ? 'updated' : 'created';
}

async function removeRoute(routes: RouteStore, ledger: ResourceLedger, route: Route) {
  const record = await routes.ledgerRecord(route.hostname);
  if (record) await ledger.markDeleting(record.id);
  await routes.remove(route.id);
  if (record) await ledger.markDeleted(record.id);
}

/**
 * A frontend-only preview's lender: the base environment's routes by service, and its origins
 * for the PR's (so the base backend's CORS sees its own frontend). A borrowed service the base
 * does not route yet fails the stage with the fix.
 */
async function lenderRoutes(routes: RouteStore, wiring: WiringRead) {
  const shape = wiring.shape as NonNullable<WiringRead['shape']>;
  const base = (await routes.ofEnvironment(shape.base.environmentId)).filter(
    (r) => r.borrowedFrom === null,
  );
  const byService = new Map(base.map((r) => [r.service, r]));
  const borrowed = new Map<string, Route>();
  for (const service of shape.borrowed) {
    if (wiring.hostnames[service] === undefined) continue;
    const route = byService.get(service);
    if (!route) {
      throw new PermanentStageError(
        `preview:${shape.name}: the base environment of ${shape.base.branch} has no route for \`${service}\` yet (it is still starting, or failed): push to ${shape.base.branch} or wait for it, then push again`,
      );
    }
    borrowed.set(service, route);
  }
  const originMap: Record<string, string> = {};
  for (const service of shape.own) {
    const url = wiring.urls[service];
    const theirs = byService.get(service);
    if (!url || !theirs) continue;
    const own = new URL(url);
    const mapped = new URL(url);
    mapped.hostname = theirs.hostname;
    originMap[own.origin] = mapped.origin;
  }
  return { environmentId: shape.base.environmentId, routes: borrowed, originMap };
}

/**
 * One record per exposed host (and its ownership TXT), ledgered before it is written; records of
 * hosts no longer exposed go. Hosts already recorded as created are not written again, so a re-run
 * costs Route 53 nothing; the driver batches what several environments write at once.
 */
async function exposeDns(
  dns: PreviewDns,
  ledger: ResourceLedger,
  input: StageInput,
  hosts: string[],
): Promise<{ published: string[]; removed: string[] }> {
  const { environment } = input;
  const owner = { environmentId: environment.id, repository: environment.repository.fullName };
  const live = (await ledger.live(environment.id)).filter(
    (r) => r.kind === 'dns_record' && r.provider === dns.provider,
  );
  const done = new Set(live.filter((r) => r.state === 'created').map((r) => r.name));
  const missing = hosts.filter((host) => !done.has(host));
  const rows = await Promise.all(
    missing.map((host) =>
      ledger.plan({
        kind: 'dns_record',
        provider: dns.provider,
        name: host,
        environmentId: environment.id,
        host: 'dns',
      }),
    ),
  );
  if (missing.length > 0) {
    const published = await dns.publish(owner, missing);
    for (const row of rows) {
      const record = published.find((p) => p.host === row.name);
      await ledger.markCreated(row.id, record?.changeId);
    }
  }
  const gone = live.filter((r) => !hosts.includes(r.name));
  if (gone.length > 0) {
    for (const row of gone) await ledger.markDeleting(row.id);
    await dns.remove(
      owner,
      gone.map((r) => r.name),
    );
    for (const row of gone) await ledger.markDeleted(row.id);
  }
  return { published: missing, removed: gone.map((r) => r.name) };
}
