import type { LifecycleEvent, PrismaClient } from '../generated.js';

/**
 * Events only the change feed shows (decision 0030): a stage the PR is not told about. They never
 * make another sink's event look old.
 */
export const FEED_ONLY_EVENT_KINDS: readonly string[] = ['stage'];

/** Reads of the lifecycle event stream (events are written by the command path's transaction). */
export class LifecycleEventStore {
  constructor(private readonly prisma: PrismaClient) {}

  find(id: bigint | string | number): Promise<LifecycleEvent | null> {
    return this.prisma.lifecycleEvent.findUnique({ where: { id: BigInt(id) } });
  }

  /** The detail of the environment's newest event of `kind` (the last chat-op's answer). */
  async latestDetail(environmentId: string, kind: string): Promise<string | undefined> {
    const event = await this.prisma.lifecycleEvent.findFirst({
      where: { environmentId, kind },
      orderBy: { id: 'desc' },
      select: { detail: true },
    });
    return event?.detail ?? undefined;
  }

  /**
   * Whether the environment has an event after `event` (of the same generation only, when
   * `sameGeneration`): a sink delivering the older one could only rewind what the PR shows.
   */
  async hasNewer(
    event: LifecycleEvent,
    sameGeneration: boolean,
    /** Kinds the asking sink never renders (they must not hide what it would render). */
    ignoreKinds: readonly string[] = [],
  ): Promise<boolean> {
    const newer = await this.prisma.lifecycleEvent.count({
      where: {
        environmentId: event.environmentId,
        id: { gt: event.id },
        ...(sameGeneration ? { generation: event.generation } : {}),
        kind: { notIn: [...ignoreKinds, ...FEED_ONLY_EVENT_KINDS] },
      },
    });
    return newer > 0;
  }
}
