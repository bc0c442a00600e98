import { describe, expect, it } from 'vitest';
import { parsePushEvent } from '../events/push-event.js';
import { type BasePushInput, planBasePush } from './base-push.js';

const A = 'a'.repeat(40);
const B = 'B'.repeat(40);
const input = (more: Partial<BasePushInput> = {}): BasePushInput => ({
  installationId: 7,
  base: { headSha: A, state: 'ready', closed: false },
  head: {
    repository: {
      id: 42,
      fullName: 'acme/shop',
      owner: 'acme',
      name: 'shop',
      cloneUrl: 'https://github.com/acme/shop.git',
      defaultBranch: 'trunk',
      pushedAt: '2026-12-05T10:00:07Z',
    },
    sha: B,
  },
  waiting: false,
  ...more,
});

describe('planBasePush', () => {
  it('writes the push GitHub would have sent: the base environment’s next head', () => {
    const delivery = planBasePush(input());
    expect(delivery).toMatchObject({
      deliveryId: `resync:42:0:push:${B.toLowerCase()}:1796464807`,
      event: 'push',
      prNumber: 0,
      orderingKey: 'pr:42:0',
      reason: 'push',
    });
    // The inbox reads it as it reads GitHub's own push to the default branch.
    const parsed = parsePushEvent(delivery?.payload, 0);
    expect(parsed).toMatchObject({
      kind: 'base',
      event: {
        action: 'synchronize',
        prNumber: 0,
        headSha: B.toLowerCase(),
        before: A,
        branch: 'trunk',
        updatedAt: Date.parse('2026-12-05T10:00:07Z'),
        repository: { providerId: 42, fullName: 'acme/shop', installationId: 7 },
      },
    });
    expect(planBasePush(input())).toEqual(delivery); // the same lost push, the same id
  });

  it('writes nothing when the base environment is at the head, closed, busy in the inbox or absent', () => {
    expect(
      planBasePush(input({ base: { headSha: B.toLowerCase(), state: 'ready', closed: false } })),
    ).toBeUndefined();
    expect(
      planBasePush(input({ base: { headSha: A, state: 'destroying', closed: true } })),
    ).toBeUndefined();
    expect(
      planBasePush(input({ base: { headSha: A, state: 'destroyed', closed: false } })),
    ).toBeUndefined();
    expect(planBasePush(input({ waiting: true }))).toBeUndefined();
    expect(planBasePush(input({ base: undefined }))).toBeUndefined();
    const undated = input();
    undated.head.repository.pushedAt = null;
    expect(planBasePush(undated)).toBeUndefined();
  });
});
