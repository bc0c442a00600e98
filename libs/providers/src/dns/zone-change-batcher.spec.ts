import type { Change, ChangeInfo } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { ZoneChangeBatcher } from './zone-change-batcher.js';

const cname = (name: string): Change => ({
  Action: 'UPSERT',
  ResourceRecordSet: {
    Name: name,
    Type: 'CNAME',
    TTL: 60,
    ResourceRecords: [{ Value: 'gateway.example.net' }],
  },
});
const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fake ChangeResourceRecordSets that records what it was sent and how many ran at once. */
function fakeRoute53(answer: (names: string[]) => Promise<void> | void = () => undefined) {
  const sent: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = async (changes: Change[]): Promise<ChangeInfo> => {
    const names = changes.map((c) => c.ResourceRecordSet?.Name ?? '');
    sent.push(names);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await wait(5);
      await answer(names);
      return { Id: `/change/C${sent.length}`, Status: 'PENDING', SubmittedAt: new Date() };
    } finally {
      inFlight -= 1;
    }
  };
  return { send, sent, maxInFlight: () => maxInFlight };
}

describe('ZoneChangeBatcher', () => {
  it('coalesces callers submitting within the window into one request', async () => {
    const r53 = fakeRoute53();
    const batcher = new ZoneChangeBatcher({ send: r53.send, windowMs: 10 });
    const infos = await Promise.all(
      Array.from({ length: 20 }, (_, i) => batcher.submit([cname(`h${i}.example.com`)])),
    );
    expect(r53.sent).toHaveLength(1);
    expect(r53.sent[0]).toHaveLength(20);
    expect(new Set(infos.map((i) => i.Id))).toEqual(new Set(['/change/C1']));
  });

  it('keeps one request in flight; what arrives meanwhile goes in the next batch', async () => {
    const r53 = fakeRoute53(() => wait(30));
    const batcher = new ZoneChangeBatcher({ send: r53.send, windowMs: 5 });
    const first = Array.from({ length: 3 }, (_, i) => batcher.submit([cname(`a${i}.example.com`)]));
    await wait(15); // the first batch is in flight now
    const later = Array.from({ length: 5 }, (_, i) => batcher.submit([cname(`b${i}.example.com`)]));
    await Promise.all([...first, ...later]);
    expect(r53.sent.map((s) => s.length)).toEqual([3, 5]);
    expect(r53.maxInFlight()).toBe(1);
  });

  it('sends two callers’ changes to one record set in order, in separate requests', async () => {
    const r53 = fakeRoute53();
    const batcher = new ZoneChangeBatcher({ send: r53.send, windowMs: 5 });
    await Promise.all([
      batcher.submit([cname('x.example.com')]),
      batcher.submit([cname('y.example.com')]),
      batcher.submit([cname('X.example.com.')]),
    ]);
    expect(r53.sent).toEqual([['x.example.com', 'y.example.com'], ['X.example.com.']]);
  });

  it('fails only the caller Route 53’s message names', async () => {
    const r53 = fakeRoute53((names) => {
      if (names.includes('bad.elsewhere.org')) {
        throw named(
          'InvalidChangeBatch',
          '[RRSet with DNS name bad.elsewhere.org. is not permitted in zone example.com.]',
        );
      }
    });
    const batcher = new ZoneChangeBatcher({ send: r53.send, windowMs: 5 });
    const results = await Promise.allSettled([
      batcher.submit([cname('a.example.com')]),
      batcher.submit([cname('bad.elsewhere.org')]),
      batcher.submit([cname('c.example.com')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      name: 'InvalidChangeBatch',
    });
    // The whole batch, then the others together, then the named caller alone.
    expect(r53.sent).toEqual([
      ['a.example.com', 'bad.elsewhere.org', 'c.example.com'],
      ['a.example.com', 'c.example.com'],
      ['bad.elsewhere.org'],
    ]);
  });

  it('halves the batch when the message names nobody', async () => {
    const r53 = fakeRoute53((names) => {
      if (names.includes('bad.example.com')) throw named('InvalidChangeBatch', '[something]');
    });
    const batcher = new ZoneChangeBatcher({ send: r53.send, windowMs: 5 });
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'bad'].map((h) => batcher.submit([cname(`${h}.example.com`)])),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
    ]);
    expect(r53.sent.map((s) => s.length)).toEqual([4, 2, 2, 1, 1]);
  });

  it('fails every caller of a batch for an error that is not about its content', async () => {
    const r53 = fakeRoute53(() => {
      throw named(
        'AccessDenied',
        'User is not authorized to perform route53:ChangeResourceRecordSets',
      );
    });
    const batcher = new ZoneChangeBatcher({ send: r53.send, windowMs: 5 });
    const results = await Promise.allSettled([
      batcher.submit([cname('a.example.com')]),
      batcher.submit([cname('b.example.com')]),
    ]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(r53.sent).toHaveLength(1);
  });

  it('refuses at once a caller whose changes no single request can carry', async () => {
    const r53 = fakeRoute53();
    const batcher = new ZoneChangeBatcher({ send: r53.send, windowMs: 5 });
    const many = Array.from({ length: 501 }, (_, i) => cname(`h${i}.example.com`));
    await expect(batcher.submit(many)).rejects.toThrow(/1002 records.*exceed/);
    await expect(batcher.submit([])).rejects.toThrow(/no DNS changes/);
    expect(r53.sent).toHaveLength(0);
  });
});
