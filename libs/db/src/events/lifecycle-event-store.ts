import type { LifecycleEvent, PrismaClient } from '../generated.js';

/** Reads of the lifecycle event stream (events are written by the command path's transaction). */
export class LifecycleEventStore {
  constructor(private readonly prisma: PrismaClient) {}

  find(id: bigint | string | number): Promise<LifecycleEvent | null> {
    return this.prisma.lifecycleEvent.findUnique({ where: { id: BigInt(id) } });
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
        ...(ignoreKinds.length > 0 ? { kind: { notIn: [...ignoreKinds] } } : {}),
      },
    });
    return newer > 0;
  }
}
