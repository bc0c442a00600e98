import type { PreviewAccessMode } from '@berth/core';
import {
  type AccessMode,
  type EnvironmentState,
  Prisma,
  type PrismaClient,
  type Resource,
  type Route,
} from '../generated.js';
import { accessModesOf } from '../settings/repository-settings-store.js';

/** What the gateway needs from a route: where a hostname goes and who may open it. */
export interface RouteTarget {
  hostname: string;
  environmentId: string;
  service: string;
  targetHost: string;
  targetPort: number;
  accessMode: AccessMode;
  /** A frontend-only preview's route to a base environment's service: that environment. */
  borrowedFrom?: string | null;
  /** Borrowed routes: the PR's origins → the base's (see the Route model). */
  originMap?: Record<string, string> | null;
}

/**
 * A route whose containers are asleep (decision 0024): its own environment's, or, for a borrowed
 * route, the lender's (the base environment). The gateway asks this environment to wake.
 */
export interface RouteSleep {
  environmentId: string;
  /** Where the environment's containers live: the wake goes to that host's queue. */
  dockerHost: string;
  /** ms since the epoch: names the wake request of this sleep. */
  sleptAt: number;
}

/** The repository's access settings, loaded with its routes (decision 0013). */
export interface RouteAccess {
  /** owner/name, lowercased. */
  repository: string;
  modes: PreviewAccessMode[];
  ipAllowlist: string[];
  bypassTokenHash: string | null;
}

/** The environment a hostname is routed to, as much as expose needs to refuse a takeover. */
export interface RouteOwner {
  id: string;
  prNumber: number;
  state: EnvironmentState;
}

/**
 * Gateway routes: read by the gateway (one hostname at a time, cached there), written by the
 * expose stage. The gateway's only write, last access, lives here too: it is the one row the
 * front door touches and it is keyed by the route's environment.
 */
export class RouteStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** The gateway's read: by the unique hostname, only the fields it routes on. */
  target(hostname: string): Promise<RouteTarget | null> {
    return this.prisma.route
      .findUnique({
        where: { hostname },
        select: {
          hostname: true,
          environmentId: true,
          service: true,
          targetHost: true,
          targetPort: true,
          accessMode: true,
          borrowedFrom: true,
          originMap: true,
        },
      })
      .then((row) => (row ? withOriginMap(row) : null));
  }

  /**
   * The gateway's read with the repository's access settings: two indexed reads per hostname,
   * done once per cache fill (settings are keyed by name, not by a relation, so they can be
   * written before the repository's first webhook).
   */
  async targetWithAccess(
    hostname: string,
  ): Promise<(RouteTarget & { access: RouteAccess; asleep: RouteSleep | null }) | null> {
    const row = await this.prisma.route.findUnique({
      where: { hostname },
      select: {
        hostname: true,
        environmentId: true,
        service: true,
        targetHost: true,
        targetPort: true,
        accessMode: true,
        borrowedFrom: true,
        originMap: true,
        environment: {
          select: {
            sleptAt: true,
            dockerHost: true,
            repository: { select: { fullName: true } },
          },
        },
      },
    });
    if (!row) return null;
    const { environment, ...rest } = row;
    const target = withOriginMap(rest);
    const repository = environment.repository.fullName.toLowerCase();
    const asleep = await this.sleepOf(row.environmentId, environment, row.borrowedFrom);
    const settings = await this.prisma.repositorySettings.findUnique({
      where: { fullName: repository },
      select: { accessModes: true, ipAllowlist: true, bypassTokenHash: true },
    });
    return {
      ...target,
      access: {
        repository,
        modes: accessModesOf(settings?.accessModes ?? []),
        ipAllowlist: settings?.ipAllowlist ?? [],
        bypassTokenHash: settings?.bypassTokenHash ?? null,
      },
      asleep,
    };
  }

  /**
   * Whose sleep a route waits for: its own environment's, else (a borrowed route) the lender's,
   * read only for borrowed routes, so every other route costs no extra query.
   */
  private async sleepOf(
    environmentId: string,
    own: { sleptAt: Date | null; dockerHost: string },
    borrowedFrom: string | null,
  ): Promise<RouteSleep | null> {
    if (own.sleptAt) {
      return { environmentId, dockerHost: own.dockerHost, sleptAt: own.sleptAt.getTime() };
    }
    if (!borrowedFrom) return null;
    const lender = await this.prisma.environment.findUnique({
      where: { id: borrowedFrom },
      select: { sleptAt: true, dockerHost: true },
    });
    return lender?.sleptAt
      ? {
          environmentId: borrowedFrom,
          dockerHost: lender.dockerHost,
          sleptAt: lender.sleptAt.getTime(),
        }
      : null;
  }

  /**
   * The hostnames gateways must read again when an environment falls asleep or wakes: its own
   * routes and the routes borrowing it.
   */
  async hostnamesOfEnvironment(environmentId: string): Promise<string[]> {
    const rows = await this.prisma.route.findMany({
      where: { OR: [{ environmentId }, { borrowedFrom: environmentId }] },
      select: { hostname: true },
      orderBy: { hostname: 'asc' },
    });
    return rows.map((row) => row.hostname);
  }

  /** Hostnames routed to a repository's environments: what a settings change invalidates. */
  async hostnamesOfRepository(fullName: string): Promise<string[]> {
    const rows = await this.prisma.route.findMany({
      where: {
        environment: { repository: { fullName: { equals: fullName, mode: 'insensitive' } } },
      },
      select: { hostname: true },
    });
    return rows.map((row) => row.hostname);
  }

  /**
   * Access telemetry, batched by the gateway (decision 0024): the newest access (never moved
   * back by a slower gateway's older batch) and `count` more requests. A deleted environment is
   * not an error. `updated_at` is left alone: the convergence sweep reads it as "last touched by
   * a command", and a request is not one.
   */
  async recordAccess(environmentId: string, at: Date, count = 1): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE environments
      SET last_access_at = GREATEST(last_access_at, ${at}::timestamptz),
        access_count = access_count + ${count}
      WHERE id = ${environmentId}::uuid`;
  }

  find(hostname: string): Promise<Route | null> {
    return this.prisma.route.findUnique({ where: { hostname } });
  }

  owner(environmentId: string): Promise<RouteOwner | null> {
    return this.prisma.environment.findUnique({
      where: { id: environmentId },
      select: { id: true, prNumber: true, state: true },
    });
  }

  /** Every route of an environment (teardown: routes written without a ledger row too). */
  ofEnvironment(environmentId: string): Promise<Route[]> {
    return this.prisma.route.findMany({ where: { environmentId } });
  }

  /** Routes of an environment whose hostname is not among `keep`: exposed no longer. */
  staleOf(environmentId: string, keep: readonly string[]): Promise<Route[]> {
    return this.prisma.route.findMany({
      where: { environmentId, hostname: { notIn: [...keep] } },
    });
  }

  /** The ledger row of a route (provider `gateway`, host `local`), if it was ever planned. */
  ledgerRecord(hostname: string): Promise<Resource | null> {
    return this.prisma.resource.findUnique({
      where: {
        provider_host_kind_name: {
          provider: 'gateway',
          host: 'local',
          kind: 'route',
          name: hostname,
        },
      },
    });
  }

  upsert(route: RouteTarget): Promise<Route> {
    const { hostname, originMap, borrowedFrom, ...rest } = route;
    const data = {
      ...rest,
      borrowedFrom: borrowedFrom ?? null,
      originMap: originMap ?? Prisma.DbNull,
    };
    return this.prisma.route.upsert({
      where: { hostname },
      create: { hostname, ...data },
      update: data,
    });
  }

  /** An environment's own routes (not borrowed) to one of its services. */
  ownOf(environmentId: string, service: string): Promise<Route[]> {
    return this.prisma.route.findMany({ where: { environmentId, service, borrowedFrom: null } });
  }

  /** Routes of other environments borrowing a service of this one (frontend-only previews). */

  borrowersOf(environmentId: string, service: string): Promise<Route[]> {
    return this.prisma.route.findMany({ where: { borrowedFrom: environmentId, service } });
  }

  /** Points borrowed routes at the lender's new container; the hostnames that changed. */
  async retarget(routes: readonly Route[], targetHost: string, targetPort: number) {
    const moved = routes.filter((r) => r.targetHost !== targetHost || r.targetPort !== targetPort);
    if (moved.length === 0) return [];
    await this.prisma.route.updateMany({
      where: { id: { in: moved.map((r) => r.id) } },
      data: { targetHost, targetPort },
    });
    return moved.map((r) => r.hostname);
  }

  /** Idempotent, like `remove`: teardown knows routes by hostname (the ledger row's name). */
  async removeHostname(hostname: string): Promise<void> {
    await this.prisma.route.deleteMany({ where: { hostname } });
  }

  /** Idempotent: removing a route already gone is fine. */
  async remove(id: string): Promise<void> {
    await this.prisma.route.deleteMany({ where: { id } });
  }
}

/** The JSON column as the gateway uses it: a map of strings, or nothing. */
function withOriginMap<T extends { originMap: unknown }>(
  row: T,
): Omit<T, 'originMap'> & { originMap: Record<string, string> | null } {
  const raw = row.originMap;
  const map =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? Object.fromEntries(
          Object.entries(raw as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === 'string',
          ),
        )
      : null;
  return { ...row, originMap: map };
}
