// What the comment sink would write, rendered from the lifecycle events in the test database:
// specs check the PR comment's words without a GitHub emulator.
import { renderPreviewComment } from '@berth/core';
import { FEED_ONLY_EVENT_KINDS, type PrismaClient } from '@berth/db';
import { commentInput } from '../expose/comment-facts.js';
import type { ReportedEvent } from '../pipeline/status-reporter.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { SinkDelivery } from './sink-delivery.js';

export async function eventsOf(prisma: PrismaClient, environmentId: string) {
  return prisma.lifecycleEvent.findMany({ where: { environmentId }, orderBy: { id: 'asc' } });
}

/**
 * The PR comment the comment sink would write for the environment's latest event. Feed-only
 * events (a stage starting, decision 0030) never reach the comment, so the PR keeps the comment
 * of the event before them.
 */
export async function latestComment(prisma: PrismaClient, environmentId: string): Promise<string> {
  const last = (await eventsOf(prisma, environmentId))
    .filter((event) => !FEED_ONLY_EVENT_KINDS.includes(event.kind))
    .at(-1);
  if (!last) throw new Error('no lifecycle event to render');
  let body = '';
  const sinks = new SinkDelivery({
    prisma,
    lock: { acquire: async () => 'token', release: async () => undefined },
    reporter: {
      report: async (environment, revision, event: ReportedEvent, runs) => {
        body = renderPreviewComment(
          commentInput(environment as EnvironmentWithRepository, revision, event, runs, {
            links: {},
          }),
        );
      },
    },
  });
  await sinks.deliver({ eventId: last.id.toString(), environmentId, sink: 'comment' });
  return body;
}
