// Sleep and wake of one environment (issue 11 item 5, docs/decisions/0024-sleep-and-wake.md).
//
// Sleep: take the environment's lease → the `sleep` command marks it asleep (decided under the
// row lock; an `asleep` event) → gateways are told (they answer "waking up" from now on) → its
// containers are stopped; networks, volumes and the ledger stay as they are, so the reconciler
// keeps owning them and teardown removes them as ever. Safe to run twice: a second run finds it
// asleep already and only makes sure the containers are stopped.
//
// Wake: take the lease → the containers of the current generation are started in dependency
// order, the way replicate starts them (same plan, so the same config hashes: a container is
// started, never rebuilt) and awaited the same way → routes follow the containers' addresses →
// the `woke` command clears the mark (an `awake` event) → gateways are told.

import { decideWake, isBaseEnvironment } from '@berth/core';
import {
  EnvironmentQueries,
  type EnvironmentLeases,
  ResourceLedger,
  RevisionStore,
  RouteStore,
} from '@berth/db';
import { ROUTES_CHANNEL } from '@berth/queue';
import type { Logger } from 'pino';
import type { EnvironmentCommands } from '../commands/environment-commands.js';
import type { RoutePublisher } from '../pipeline/route-publisher.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { containerEndpoint } from '../replicate/container-endpoint.js';
import type { ServicePlan } from '../replicate/container-plan.js';
import { planOfRevision, type ReplicateDeps, waitFor } from '../replicate/replicate-handler.js';
import { withLease } from './leased.js';

export interface EnvironmentSleepDeps {
  /** The replicate stage's own deps: a wake builds the very containers replicate built. */
  replicate: ReplicateDeps;
  commands: EnvironmentCommands;
  leases: EnvironmentLeases;
  /** Tells gateways a route changed (an ioredis client fits). */
  publisher: RoutePublisher;
  logger: Logger;
  /** Who holds leases: host + pid of this worker. */
  owner: string;
  leaseTtlMs?: number;
  /** How long a sleep or wake waits for a stage holding the environment (default 60 s). */
  leaseWaitMs?: number;
}

export type SleepResult =
  | {
      status: 'asleep';
      environmentId: string;
      sleptAt: string;
      /** Containers this run stopped (all of them, on a second run too: stopping is idempotent). */
      stopped: string[];
      already: boolean;
    }
  | { status: 'refused'; environmentId: string; reason: string }
  | { status: 'gone'; environmentId: string };

export type WakeResult =
  | {
      status: 'woken';
      environmentId: string;
      ms: number;
      started: string[];
      /** Per service, ms from the wake's start until it was ready: where the time went. */
      readyMs: Record<string, number>;
    }
  /** Nothing to wake: it is awake (someone else woke it), or a redeploy will (`waiting`). */
  | { status: 'awake' | 'waiting' | 'unmarked' | 'skipped'; environmentId: string; reason: string }
  | { status: 'gone'; environmentId: string };

export class EnvironmentSleep {
  private readonly environments: EnvironmentQueries;
  private readonly revisions: RevisionStore;
  private readonly routes: RouteStore;
  private readonly ledger: ResourceLedger;

  constructor(private readonly deps: EnvironmentSleepDeps) {
    const { prisma } = deps.replicate;
    this.environments = new EnvironmentQueries(prisma);
    this.revisions = new RevisionStore(prisma);
    this.routes = new RouteStore(prisma);
    this.ledger = deps.replicate.ledger ?? new ResourceLedger(prisma);
  }

  private leaseOptions() {
    return {
      leases: this.deps.leases,
      owner: this.deps.owner,
      ttlMs: this.deps.leaseTtlMs ?? 20_000,
      waitMs: this.deps.leaseWaitMs ?? 60_000,
    };
  }

  /** Puts one environment to sleep; `why` is told on the event stream (idle for 4h, an operator). */
  async sleep(environmentId: string, requestedBy: string, why: string): Promise<SleepResult> {
    const logger = this.deps.logger.child({ environmentId });
    return withLease(environmentId, this.leaseOptions(), async (token) => {
      const marked = await this.deps.commands.sleep(environmentId, token, requestedBy, why);
      if (marked.status === 'gone') return { status: 'gone', environmentId };
      if (marked.status === 'refused') {
        return { status: 'refused', environmentId, reason: marked.reason };
      }
      // Gateways first: from now on a request gets "waking up", never a refused connection.
      await this.publish(environmentId);
      const containers = (await this.ledger.live(environmentId)).filter(
        (row) => row.kind === 'container' && row.provider === 'docker',
      );
      const host = this.deps.replicate.containerHost;
      await Promise.all(containers.map((row) => host.stopContainer(row.name)));
      const stopped = containers.map((row) => row.name);
      logger.info(
        { requestedBy, why, stopped, already: marked.already },
        marked.already ? 'asleep already; containers stopped' : 'put to sleep',
      );
      return {
        status: 'asleep',
        environmentId,
        sleptAt: marked.sleptAt.toISOString(),
        stopped,
        already: marked.already,
      };
    });
  }

  /** Wakes one environment (a gateway's first request, or an operator). */
  async wake(environmentId: string, requestedBy: string): Promise<WakeResult> {
    const first = await this.environments.find(environmentId);
    if (!first) return { status: 'gone', environmentId };
    // Most requests find nothing to do (a duplicate, a redeploy on its way): no lease for those.
    const early = await this.settle(first);
    if (early) return early;
    return withLease(environmentId, this.leaseOptions(), async (token) => {
      const environment = await this.environments.find(environmentId);
      if (!environment) return { status: 'gone', environmentId };
      const settled = await this.settle(environment);
      if (settled) return settled;
      const started = Date.now();
      const readyMs = await this.startContainers(environment, started);
      const names = Object.keys(readyMs).sort();
      await this.followContainers(environment);
      const ms = Date.now() - started;
      const sleptAt = environment.sleptAt as Date;
      const woke = await this.deps.commands.woke(
        environmentId,
        token,
        sleptAt,
        `woken by ${requestedBy} in ${(ms / 1000).toFixed(1)} s`,
      );
      await this.publish(environmentId);
      if (woke.status !== 'woken') {
        return {
          status: 'skipped',
          environmentId,
          reason: woke.status === 'gone' ? 'the environment is gone' : woke.reason,
        };
      }
      this.deps.logger.info({ environmentId, requestedBy, ms, readyMs }, 'woken');
      return { status: 'woken', environmentId, ms, started: names, readyMs };
    });
  }

  /** What a wake does with an environment that has nothing to start; undefined: start it. */
  private async settle(environment: EnvironmentWithRepository): Promise<WakeResult | undefined> {
    const environmentId = environment.id;
    const verdict = decideWake({
      state: environment.state,
      sleptAt: environment.sleptAt?.getTime() ?? null,
      closed: environment.closedAt !== null,
    });
    switch (verdict.action) {
      case 'wake':
        return undefined;
      case 'awake':
        return { status: 'awake', environmentId, reason: 'not asleep' };
      case 'wait':
        return { status: 'waiting', environmentId, reason: verdict.reason };
      case 'none':
        return { status: 'skipped', environmentId, reason: verdict.reason };
      case 'unmark':
        if (await this.deps.commands.unmarkSleep(environmentId)) await this.publish(environmentId);
        return { status: 'unmarked', environmentId, reason: verdict.reason };
    }
  }

  /**
   * The current generation's services, layer by layer as replicate starts them: each layer's
   * dependencies are up (healthy, when asked for) before the next starts; every service's own
   * readiness is awaited at the end. One-shot jobs (migrations) already ran: they stay exited.
   */
  private async startContainers(
    environment: EnvironmentWithRepository,
    since: number,
  ): Promise<Record<string, number>> {
    const deps = this.deps.replicate;
    const host = deps.containerHost;
    const revision = await this.revisions.find(environment.id, environment.generation);
    if (!revision) {
      throw new Error(`no revision for generation ${environment.generation} of ${environment.id}`);
    }
    const ceilings = deps.ceilingsFor ? await deps.ceilingsFor(environment) : undefined;
    const { plan, secrets } = await planOfRevision(deps, environment, revision, ceilings);
    const readyMs: Record<string, number> = {};
    const readiness: Promise<unknown>[] = [];
    for (const layer of plan.layers) {
      await Promise.all(
        layer.map(async (name) => {
          const service = plan.services[name] as ServicePlan;
          if (service.oneShot) return;
          // Same spec, same config hash: the stopped container is started, not replaced.
          const run = await host.runContainer(service.container);
          const running = run.action === 'reused'; // never stopped (a sleep cut short)
          const done = () => (readyMs[service.container.name] = Date.now() - since);
          if (service.neededBy) await waitFor(host, service, service.neededBy, running, secrets);
          if (service.neededBy === service.ready) {
            done();
            return;
          }
          const ready = waitFor(host, service, service.ready, running, secrets).then(done);
          ready.catch(() => undefined); // awaited below; another layer may fail first
          readiness.push(ready);
        }),
      );
    }
    await Promise.all(readiness);
    return readyMs;
  }

  /**
   * A restarted container may come back on another address: its routes (and, for the base
   * environment, the frontend-only previews borrowing it) follow, as expose would write them.
   */
  private async followContainers(environment: EnvironmentWithRepository): Promise<void> {
    const own = (await this.routes.ofEnvironment(environment.id)).filter(
      (route) => route.borrowedFrom === null,
    );
    for (const route of own) {
      const endpoint = await containerEndpoint(
        this.deps.replicate.containerHost,
        environment,
        route.service,
        route.targetPort,
      );
      await this.routes.retarget([route], endpoint.host, endpoint.port);
      if (isBaseEnvironment(environment)) {
        const borrowers = await this.routes.borrowersOf(environment.id, route.service);
        await this.routes.retarget(borrowers, endpoint.host, endpoint.port);
      }
    }
  }

  private async publish(environmentId: string): Promise<void> {
    for (const hostname of await this.routes.hostnamesOfEnvironment(environmentId)) {
      await this.deps.publisher.publish(ROUTES_CHANNEL, hostname);
    }
  }
}
