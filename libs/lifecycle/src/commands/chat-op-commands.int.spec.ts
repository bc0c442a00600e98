// PR chat-ops on the command path (decision 0026), on the real state store: the delivery is
// claimed in the action's transaction, so the same delivery processed twice acts once; a refusal
// changes nothing but the sticky comment's "last command" line (a comment-only event).
import { randomUUID } from 'node:crypto';
import { DEFAULT_TTL_POLICY } from '@berth/core';
import { createPrismaClient, type PrismaClient, WebhookInbox } from '@berth/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver, seedEnvironment } from './commands.int-support.js';
import type { ChatOpRequest, EnvironmentCommands } from './environment-commands.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
let commands: EnvironmentCommands;
let inbox: WebhookInbox;
const seeded: string[] = [];

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
  commands = commandsOver(prisma);
  inbox = new WebhookInbox(prisma);
});
afterAll(async () => {
  // Nothing relays this file's outbox rows: remove them so no later file's worker runs them.
  await prisma.$executeRaw`
    DELETE FROM outbox_jobs WHERE data->>'environmentId' = ANY(${seeded}::text[])`;
  await prisma.$disconnect();
});

async function seedReady() {
  const { env } = await seedEnvironment(prisma, { state: 'ready' });
  seeded.push(env.id);
  const repo = await prisma.repository.findUniqueOrThrow({ where: { id: env.repositoryId } });
  return { env, providerId: Number(repo.providerId) };
}

async function delivery(providerId: number): Promise<{ deliveryId: string }> {
  const deliveryId = randomUUID();
  await inbox.store({
    deliveryId,
    event: 'issue_comment',
    action: 'created',
    payload: '{}',
    orderingKey: `pr:${providerId}:1`,
    outcome: 'received',
  });
  return { deliveryId };
}

const request = (providerId: number, over: Partial<ChatOpRequest>): ChatOpRequest =>
  ({
    repositoryProviderId: providerId,
    prNumber: 1,
    author: 'maintainer',
    authorId: 4242,
    text: '/berth destroy',
    ttl: { policy: DEFAULT_TTL_POLICY, repositoryDefaultTtlHours: null },
    command: { name: 'destroy' },
    ...over,
  }) as ChatOpRequest;

const auditOf = (environmentId: string) =>
  prisma.apiAuditEntry.findMany({ where: { target: environmentId }, orderBy: { id: 'asc' } });

const eventsOf = (environmentId: string, kind: string) =>
  prisma.lifecycleEvent.findMany({ where: { environmentId, kind }, orderBy: { id: 'asc' } });

describe('chat-op commands', () => {
  it('destroys once for one delivery processed twice, and answers in a comment-only event', async () => {
    const { env, providerId } = await seedReady();
    const d = await delivery(providerId);
    const first = await commands.chatOp(d, request(providerId, {}));
    expect(first).toMatchObject({ status: 'answered', accepted: true, environmentId: env.id });
    const second = await commands.chatOp(d, request(providerId, {}));
    expect(second).toEqual({ status: 'already-settled' });

    const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row).toMatchObject({ state: 'destroying', generation: 2 });
    expect(await eventsOf(env.id, 'expired')).toHaveLength(1);
    const answers = await eventsOf(env.id, 'command');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ generation: 2 });
    expect(answers[0]?.detail).toBe(
      '`@maintainer`: `/berth destroy` — destroying the preview (push a commit or `/berth redeploy` to bring it back)',
    );
    const sinks = await prisma.$queryRaw<{ sink: string }[]>`
      SELECT data->>'sink' AS sink FROM outbox_jobs
      WHERE data->>'eventId' = ${answers[0]!.id.toString()}`;
    expect(sinks.map((s) => s.sink).sort()).toEqual(['comment', 'feed']);
    const settled = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { deliveryId: d.deliveryId },
    });
    expect(settled.outcome).toBe('processed');
    // In the audit log once, with the comment's author as the actor (issue 12).
    expect(await auditOf(env.id)).toEqual([
      expect.objectContaining({
        actorId: 'github:4242',
        actorName: 'maintainer (PR comment)',
        method: 'COMMENT',
        route: '/berth destroy',
        status: 200,
        outcome: 'succeeded',
      }),
    ]);
  });

  it('a refusal changes nothing but the answer, and settles the delivery ignored', async () => {
    const { env, providerId } = await seedReady();
    const d = await delivery(providerId);
    const outcome = await commands.chatOp(
      d,
      request(providerId, {
        author: 'passer-by',
        // A payload without the user's id: the login stands in.
        authorId: undefined,
        command: undefined,
        refusal: 'passer-by does not have write access to acme/x',
        refusalStatus: 403,
      }),
    );
    expect(outcome).toMatchObject({ status: 'answered', accepted: false });
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row).toMatchObject({ state: 'ready', generation: 1 });
    expect(await eventsOf(env.id, 'expired')).toHaveLength(0);
    const [answer] = await eventsOf(env.id, 'command');
    expect(answer?.detail).toBe(
      '`@passer-by`: `/berth destroy` — refused: passer-by does not have write access to acme/x',
    );
    const settled = await prisma.webhookDelivery.findUniqueOrThrow({
      where: { deliveryId: d.deliveryId },
    });
    expect(settled.outcome).toBe('ignored');
    expect(await auditOf(env.id)).toEqual([
      expect.objectContaining({
        actorId: 'github:passer-by',
        route: '/berth',
        status: 403,
        outcome: 'refused',
        detail: 'refused: passer-by does not have write access to acme/x',
      }),
    ]);
  });

  it('refuses an extension past the TTL ceiling from now, and allows one within it', async () => {
    const { env, providerId } = await seedReady();
    const policy = { defaultMs: 24 * 3_600_000, maxMs: 48 * 3_600_000 };
    const ttl = { policy, repositoryDefaultTtlHours: null };
    const beyond = await commands.chatOp(
      await delivery(providerId),
      request(providerId, {
        text: '/berth extend 3d',
        command: { name: 'extend', byMs: 3 * 86_400_000 },
        ttl,
      }),
    );
    expect(beyond).toMatchObject({
      accepted: false,
      result: expect.stringContaining("beyond the operator's TTL ceiling of 2d"),
    });
    const unchanged = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(unchanged.ttlExtendedUntil).toBeNull();
    expect(await auditOf(env.id)).toEqual([
      expect.objectContaining({ route: '/berth extend', status: 409, outcome: 'refused' }),
    ]);
    const within = await commands.chatOp(
      await delivery(providerId),
      request(providerId, {
        text: '/berth extend 12h',
        command: { name: 'extend', byMs: 12 * 3_600_000 },
        ttl,
      }),
    );
    expect(within).toMatchObject({ accepted: true, result: expect.stringMatching(/^expires at /) });
    const extended = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(extended.ttlExtendedUntil).not.toBeNull();
  });
});
