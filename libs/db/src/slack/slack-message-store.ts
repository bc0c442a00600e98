import type { PrismaClient } from '../generated.js';

/** Where a pull request's Slack message is, and how far it has got (decision 0028). */
export interface SlackMessageRow {
  environmentId: string;
  /** The channel's id, as Slack answered the post. */
  channel: string;
  ts: string;
  generation: number;
  /** The newest lifecycle event it shows. */
  eventId: bigint;
}

/**
 * The Slack message of each environment and the replies posted in its thread (tables
 * `slack_messages`, `slack_replies`). Written by the Slack sink only, after Slack answered.
 */
export class SlackMessageStore {
  constructor(private readonly prisma: PrismaClient) {}

  async find(environmentId: string): Promise<SlackMessageRow | null> {
    const row = await this.prisma.slackMessage.findUnique({ where: { environmentId } });
    return row
      ? {
          environmentId: row.environmentId,
          channel: row.channel,
          ts: row.ts,
          generation: row.generation,
          eventId: row.eventId,
        }
      : null;
  }

  /**
   * Records a posted message (the first, or a new one after the old was deleted in Slack): its
   * thread starts afresh, so the replies of the old one are forgotten.
   */
  async posted(row: SlackMessageRow): Promise<void> {
    const data = {
      channel: row.channel,
      ts: row.ts,
      generation: row.generation,
      eventId: row.eventId,
    };
    await this.prisma.$transaction([
      this.prisma.slackReply.deleteMany({ where: { environmentId: row.environmentId } }),
      this.prisma.slackMessage.upsert({
        where: { environmentId: row.environmentId },
        create: { environmentId: row.environmentId, ...data },
        update: data,
      }),
    ]);
  }

  /** Records an edit: the event it now shows. Never moves back. */
  async shown(environmentId: string, eventId: bigint): Promise<void> {
    await this.prisma.slackMessage.updateMany({
      where: { environmentId, eventId: { lt: eventId } },
      data: { eventId },
    });
  }

  /** Records that the thread was told about `generation` (its redeploy). Never moves back. */
  async announced(environmentId: string, generation: number): Promise<void> {
    await this.prisma.slackMessage.updateMany({
      where: { environmentId, generation: { lt: generation } },
      data: { generation },
    });
  }

  /** Whether the thread already has the reply about this event. */
  async replied(environmentId: string, eventId: bigint): Promise<boolean> {
    const row = await this.prisma.slackReply.findUnique({
      where: { environmentId_eventId: { environmentId, eventId } },
    });
    return row !== null;
  }

  /** Records a reply Slack accepted (a second record of the same event is a no-op). */
  async recordReply(environmentId: string, eventId: bigint, ts: string): Promise<void> {
    await this.prisma.slackReply.upsert({
      where: { environmentId_eventId: { environmentId, eventId } },
      create: { environmentId, eventId, ts },
      update: {},
    });
  }
}
