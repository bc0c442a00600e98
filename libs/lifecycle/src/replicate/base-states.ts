// Base states (issue 10): the base environment's database volumes, copied while its database is
// stopped, one set per base-branch head. `db:branch` previews start from the newest. Each copy
// is a ledger row of the base environment, so it lives until the base environment is torn
// down (the repository disabled), and older ones are pruned as new ones come.

import {
  type BaseStateRef,
  BASE_ENVIRONMENT_PR,
  environmentIdentity,
  resourceLabels,
  shortHash,
} from '@berth/core';
import type { EnvironmentStore, ResourceLedger } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import type { Logger } from 'pino';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';

/** Base-branch heads kept per repository: a PR cut from a recent base can still match it. */
export const BASE_STATES_KEPT = 3;

/** The label (key, value) on every base-state volume: the reconciler tells copies by it. */
export const BASE_STATE_LABEL = ['berth.volume', 'base-state'] as const;

interface BaseStateMeta {
  service: string;
  target: string;
  sha: string;
  generation: number;
  capturedAt: string;
  bytes: number;
}

export interface BaseStatesDeps {
  host: ContainerHost;
  ledger: ResourceLedger;
  environments: Pick<EnvironmentStore, 'findByPullRequest'>;
}

export class BaseStates {
  constructor(private readonly deps: BaseStatesDeps) {}

  /** The repository's base environment, while it is live. */
  async baseEnvironment(repository: {
    providerId: bigint | number;
  }): Promise<EnvironmentWithRepository | undefined> {
    const base = await this.deps.environments.findByPullRequest(
      Number(repository.providerId),
      BASE_ENVIRONMENT_PR,
    );
    return base && base.closedAt === null ? base : undefined;
  }

  /** The newest complete base state of the base environment's database service, if any. */
  async newest(baseEnvironmentId: string, service: string): Promise<BaseStateRef | undefined> {
    const captures = await this.captures(baseEnvironmentId, service);
    const newest = captures[0];
    if (!newest) return undefined;
    const { key: _key, ...ref } = newest;
    return ref;
  }

  /** The base state captured at `sha` (the base a PR was cut from), when it is still kept. */
  async atSha(
    baseEnvironmentId: string,
    service: string,
    sha: string,
  ): Promise<BaseStateRef | undefined> {
    const found = (await this.captures(baseEnvironmentId, service)).find((c) => c.sha === sha);
    if (!found) return undefined;
    const { key: _key, ...ref } = found;
    return ref;
  }

  /**
   * Copies the base environment's database volumes while its container is stopped (the only
   * engine-agnostic consistent copy), then starts it again. Idempotent per generation: a
   * capture already made for it is returned as it is.
   */
  async capture(input: {
    environment: EnvironmentWithRepository;
    generation: number;
    sha: string;
    service: string;
    container: string;
    image: string;
    volumes: readonly { name: string; target: string }[];
    logger: Logger;
  }): Promise<BaseStateRef> {
    const { host, ledger } = this.deps;
    const { environment, generation, sha, service } = input;
    const existing = (await this.captures(environment.id, service)).find(
      (c) => c.sha === sha && c.generation === generation,
    );
    if (existing) return existing;

    const capturedAt = new Date().toISOString();
    const identity = shortHash(`${environment.id}\n${generation}\n${sha}`, 10);
    const volumes: Record<string, string> = {};
    await host.stopContainer(input.container);
    try {
      for (const volume of input.volumes) {
        const name = `${volume.name}-base-${identity}`;
        const row = await ledger.plan({
          kind: 'volume',
          provider: 'docker',
          name,
          environmentId: environment.id,
          metadata: { volume: 'base-state' },
        });
        try {
          if (row.state === 'created') await host.removeVolume(name); // half-made by a crash
          const copied = await host.copyVolume({
            from: volume.name,
            to: name,
            image: input.image,
            labels: { ...baseLabels(environment), [BASE_STATE_LABEL[0]]: BASE_STATE_LABEL[1] },
          });
          const meta: BaseStateMeta = {
            service,
            target: volume.target,
            sha,
            generation,
            capturedAt,
            bytes: copied.bytes,
          };
          await ledger.markCreated(row.id);
          await ledger.mergeMetadata(row.id, { baseState: meta });
          volumes[volume.target] = name;
        } catch (error) {
          await ledger.markFailed(row.id).catch(() => undefined);
          throw error;
        }
      }
    } finally {
      await host.startContainer(input.container);
    }
    input.logger.info({ sha, volumes: Object.values(volumes) }, 'captured a base state');
    await this.prune(environment.id, service, input.logger);
    return { sha, capturedAt, volumes, generation };
  }

  /** Keeps the newest BASE_STATES_KEPT captures; a PR copying from an older one has its data. */
  private async prune(environmentId: string, service: string, logger: Logger): Promise<void> {
    const rows = await this.rows(environmentId, service);
    const keep = new Set(
      captures(rows)
        .slice(0, BASE_STATES_KEPT)
        .map((c) => c.key),
    );
    for (const { row, meta } of rows) {
      if (keep.has(captureKey(meta))) continue;
      await this.deps.ledger.markDeleting(row.id);
      await this.deps.host.removeVolume(row.name);
      await this.deps.ledger.markDeleted(row.id);
      logger.info({ volume: row.name, sha: meta.sha }, 'pruned an old base state');
    }
  }

  private async rows(environmentId: string, service: string) {
    const live = await this.deps.ledger.live(environmentId);
    return live.flatMap((row) => {
      const meta = (row.metadata as { baseState?: BaseStateMeta } | null)?.baseState;
      return meta && meta.service === service && row.state === 'created' ? [{ row, meta }] : [];
    });
  }

  private async captures(environmentId: string, service: string) {
    return captures(await this.rows(environmentId, service));
  }
}

/** Complete captures, newest first. */
function captures(
  rows: readonly { row: { name: string }; meta: BaseStateMeta }[],
): (BaseStateRef & { key: string })[] {
  const groups = new Map<string, BaseStateRef & { key: string }>();
  for (const { row, meta } of rows) {
    const key = captureKey(meta);
    const group = groups.get(key) ?? {
      key,
      sha: meta.sha,
      generation: meta.generation,
      capturedAt: meta.capturedAt,
      volumes: {},
    };
    group.volumes[meta.target] = row.name;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.capturedAt.localeCompare(a.capturedAt));
}

function captureKey(meta: BaseStateMeta): string {
  return `${meta.generation}:${meta.sha}`;
}

function baseLabels(environment: EnvironmentWithRepository): Record<string, string> {
  return resourceLabels(environmentIdentity(environment.repository.fullName, environment.prNumber));
}
