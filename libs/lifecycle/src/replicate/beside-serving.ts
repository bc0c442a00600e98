// Issue 10 §5, decision 0040: a revision that brings migrations starts beside the serving one, in
// the environment's other slot (its own containers, networks and copies of the volumes), and the
// routes move to it only once all of it is ready. The serving revision never sees a schema it
// does not know, and a failure removes the new slot and leaves it serving as it was.

import { isDeepStrictEqual } from 'node:util';
import { isBaseEnvironment } from '@berth/core';
import { type ResourceLedger, type RouteStore, slotOf } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import { ROUTES_CHANNEL } from '@berth/queue';
import type { Logger } from 'pino';
import type { RoutePublisher } from '../pipeline/route-publisher.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { containerEndpoint } from './container-endpoint.js';
import { type ReplicatePlan, slotMetadata } from './container-plan.js';

/**
 * The one-shot services (migrations, seeds) this revision would run again against the serving
 * revision's data: new ones, or ones whose container differs from the serving revision's. Empty:
 * the revision is applied in place, as before slots.
 */
export function oneShotsToRun(serving: ReplicatePlan, next: ReplicatePlan): string[] {
  return Object.values(next.services)
    .filter((s) => s.oneShot)
    .filter((s) => {
      const was = serving.services[s.service];
      return !was?.oneShot || !isDeepStrictEqual(was.container, s.container);
    })
    .map((s) => s.service)
    .sort();
}

/** The other of an environment's two slots. */
export const otherSlot = (slot: number): number => (slot === 0 ? 1 : 0);

/** A row that belongs to a slot's set: never a base state (the base's kept data has no slot). */
function inSlot(row: { kind: string; metadata: unknown }, slot: number): boolean {
  if (!['container', 'network', 'volume', 'subnet'].includes(row.kind)) return false;
  const meta = row.metadata as { baseState?: unknown; volume?: unknown } | null;
  if (row.kind === 'volume' && (meta?.baseState !== undefined || meta?.volume === 'base-state')) {
    return false;
  }
  return slotOf(row as Parameters<typeof slotOf>[0]) === slot;
}

/**
 * Removes everything of one slot of an environment: containers first, then networks, volumes
 * and the slot's subnet, each through its ledger row. Safe to run twice; a slot with nothing
 * left is a no-op. Used for the slot the routes left, and for a new slot that failed.
 */
export async function retireSlot(input: {
  host: ContainerHost;
  ledger: ResourceLedger;
  environmentId: string;
  slot: number;
  logger: Logger;
}): Promise<string[]> {
  const { host, ledger } = input;
  const rows = (await ledger.live(input.environmentId)).filter(
    (row) => row.provider === 'docker' && inSlot(row, input.slot),
  );
  const order = ['container', 'network', 'volume', 'subnet'];
  rows.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const removed: string[] = [];
  for (const row of rows) {
    await ledger.markDeleting(row.id);
    if (row.kind === 'container') await host.removeContainer(row.name);
    else if (row.kind === 'network') await host.removeNetwork(row.name);
    else if (row.kind === 'volume') await host.removeVolume(row.name);
    await ledger.markDeleted(row.id);
    if (row.kind !== 'subnet') removed.push(row.name);
  }
  if (removed.length > 0) {
    input.logger.info({ slot: input.slot, removed }, 'removed a slot of the environment');
  }
  return removed;
}

export interface CopiedVolume {
  volume: string;
  from?: string;
  bytes?: number;
}

export interface CopiedVolumes {
  volumes: CopiedVolume[];
  /** Serving containers paused for the copy, and for how long (their requests waited). */
  paused: string[];
  pausedMs: number;
}

/**
 * The new slot's volumes as copies of the serving slot's (by compose key), taken while every
 * serving container that mounts one is paused: one instant for all of them, as a crash would
 * leave them, which a database recovers from. Writes after that instant stay with the serving
 * revision. A volume the serving slot does not have starts empty; repository mounts are the
 * caller's (filled from the image, never copied). A copied database volume keeps its record.
 */
export async function copyServingVolumes(input: {
  host: ContainerHost;
  ledger: ResourceLedger;
  environmentId: string;
  generation: number;
  /** The new revision in the serving slot: which volume of the serving slot each key is. */
  current: ReplicatePlan;
  /** The serving revision's own plan: its containers are the ones paused. */
  serving: ReplicatePlan;
  next: ReplicatePlan;
  logger: Logger;
}): Promise<CopiedVolumes> {
  const { host, ledger, next } = input;
  const live = (await ledger.live(input.environmentId)).filter(
    (row) => row.kind === 'volume' && row.state === 'created',
  );
  const wanted = next.volumes
    .filter((v) => !v.repoMount)
    .map((volume) => {
      const from = input.current.volumes.find((v) => v.key === volume.key)?.name;
      const source = from ? live.find((row) => row.name === from) : undefined;
      // The image of a service that mounts it: on the host already, it makes the copy.
      const user = Object.values(next.services).find((s) =>
        (s.container.mounts ?? []).some((m) => m.volume === volume.name),
      );
      return { volume, source, image: user?.container.image };
    });
  const sources = new Set(wanted.flatMap((w) => (w.source ? [w.source.name] : [])));
  const holders = Object.values(input.serving.services)
    .filter((s) => (s.container.mounts ?? []).some((m) => sources.has(m.volume)))
    .map((s) => s.container.name);

  const paused: string[] = [];
  const copied: CopiedVolume[] = [];
  let pausedAt: number | undefined;
  let pausedMs = 0;
  try {
    pausedAt = Date.now();
    for (const name of holders) if (await host.pauseContainer(name)) paused.push(name);
    for (const { volume, source, image } of wanted) {
      const record = (source?.metadata as { database?: Record<string, unknown> } | null)?.database;
      const row = await ledger.plan({
        provider: 'docker',
        environmentId: input.environmentId,
        kind: 'volume',
        name: volume.name,
        metadata: {
          volume: volume.key,
          ...slotMetadata(next.slot),
          // The data is the serving revision's: its mode and base stay what they were.
          ...(record ? { database: { ...record, generation: input.generation } } : {}),
        },
      });
      try {
        if (source && image) {
          const { bytes } = await host.copyVolume({
            from: source.name,
            to: volume.name,
            image,
            labels: volume.labels,
            pausedUsers: true,
          });
          copied.push({ volume: volume.name, from: source.name, bytes });
        } else {
          await host.ensureVolume(volume);
          copied.push({ volume: volume.name });
        }
      } catch (error) {
        await ledger.markFailed(row.id).catch(() => undefined);
        throw error;
      }
      await ledger.markCreated(row.id);
    }
  } finally {
    for (const name of paused) await host.unpauseContainer(name);
    if (pausedAt !== undefined) pausedMs = Date.now() - pausedAt;
  }
  input.logger.info(
    { paused, volumes: copied.map((c) => c.volume), pausedMs },
    'copied the serving revision’s volumes into the new slot',
  );
  return { volumes: copied, paused, pausedMs };
}

/**
 * The routes (and a base environment's borrowers) move to the new slot's containers, then the
 * gateways are told: from here on the new revision answers at the URLs.
 */
export async function moveRoutes(input: {
  host: ContainerHost;
  routes: RouteStore;
  publisher: RoutePublisher | undefined;
  environment: EnvironmentWithRepository;
  slot: number;
  ports: Readonly<Record<string, number>>;
  services: ReplicatePlan['services'];
}): Promise<string[]> {
  const { environment } = input;
  const moved: string[] = [];
  for (const [name, port] of Object.entries(input.ports)) {
    if (!input.services[name]) continue;
    const endpoint = await containerEndpoint(
      input.host,
      { ...environment, slot: input.slot },
      name,
      port,
    );
    const own = await input.routes.ownOf(environment.id, name);
    moved.push(...(await input.routes.retarget(own, endpoint.host, endpoint.port)));
    if (isBaseEnvironment(environment)) {
      const borrowers = await input.routes.borrowersOf(environment.id, name);
      moved.push(...(await input.routes.retarget(borrowers, endpoint.host, endpoint.port)));
    }
  }
  for (const hostname of moved) await input.publisher?.publish(ROUTES_CHANNEL, hostname);
  return moved;
}
