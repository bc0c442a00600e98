import { describe, expect, it } from 'vitest';
import type { GatewayRoute } from './gateway-route.js';
import { RouteTable } from './route-table.js';

const route = (hostname: string, targetPort = 3000): GatewayRoute => ({
  hostname,
  environmentId: 'env-1',
  service: 'web',
  targetHost: '10.0.0.2',
  targetPort,
  accessMode: 'private',
});

/** A route store the test controls: a map, a query counter, and optionally held queries. */
function store() {
  const rows = new Map<string, GatewayRoute>();
  const held: Array<() => void> = [];
  let hold = false;
  let queries = 0;
  return {
    rows,
    get queries() {
      return queries;
    },
    holdQueries: (on: boolean) => (hold = on),
    release: () => held.splice(0).forEach((go) => go()),
    load: async (hostname: string) => {
      queries += 1;
      // Read at query time, answer later: like a SELECT that commits before a concurrent write.
      const answer = rows.get(hostname) ?? null;
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return answer;
    },
  };
}

describe('RouteTable', () => {
  it('caches found routes and answers from memory until invalidated', async () => {
    const db = store();
    db.rows.set('web-pr-1-shop.localhost', route('web-pr-1-shop.localhost'));
    const table = new RouteTable({ load: db.load });
    expect(await table.lookup('web-pr-1-shop.localhost')).toMatchObject({ targetPort: 3000 });
    db.rows.set('web-pr-1-shop.localhost', route('web-pr-1-shop.localhost', 4000));
    expect(await table.lookup('web-pr-1-shop.localhost')).toMatchObject({ targetPort: 3000 });
    expect(db.queries).toBe(1);
    table.invalidate('web-pr-1-shop.localhost');
    expect(await table.lookup('web-pr-1-shop.localhost')).toMatchObject({ targetPort: 4000 });
    expect(db.queries).toBe(2);
  });

  it('remembers "no route" only for the negative TTL', async () => {
    const db = store();
    let now = 1_000;
    const table = new RouteTable({ load: db.load, negativeTtlMs: 2_000, now: () => now });
    expect(await table.lookup('nope.localhost')).toBeNull();
    expect(await table.lookup('nope.localhost')).toBeNull();
    expect(db.queries).toBe(1);
    db.rows.set('nope.localhost', route('nope.localhost'));
    now += 2_000;
    expect(await table.lookup('nope.localhost')).not.toBeNull();
    expect(db.queries).toBe(2);
  });

  it('expires found routes after the positive TTL (bounds staleness if an invalidation is lost)', async () => {
    const db = store();
    let now = 0;
    db.rows.set('a.localhost', route('a.localhost'));
    const table = new RouteTable({ load: db.load, positiveTtlMs: 60_000, now: () => now });
    await table.lookup('a.localhost');
    now = 59_999;
    await table.lookup('a.localhost');
    expect(db.queries).toBe(1);
    now = 60_000;
    await table.lookup('a.localhost');
    expect(db.queries).toBe(2);
  });

  it('answers from the expired route while one refresh runs (requests never wait on the TTL)', async () => {
    const db = store();
    let now = 0;
    db.rows.set('a.localhost', route('a.localhost'));
    const table = new RouteTable({ load: db.load, positiveTtlMs: 60_000, now: () => now });
    await table.lookup('a.localhost');
    db.rows.set('a.localhost', route('a.localhost', 4000));
    now = 60_000;
    db.holdQueries(true);
    // The refresh is held: an answer now can only come from memory.
    expect(await table.lookup('a.localhost')).toMatchObject({ targetPort: 3000 });
    expect(table.cached('a.localhost')).toMatchObject({ targetPort: 3000 });
    expect(await table.lookup('a.localhost')).toMatchObject({ targetPort: 3000 });
    expect(db.queries).toBe(2); // one refresh, not one per request
    db.release();
    await new Promise((resolve) => setImmediate(resolve)); // the refresh lands
    expect(await table.lookup('a.localhost')).toMatchObject({ targetPort: 4000 });
    expect(db.queries).toBe(2);
  });

  it('never answers from a route that was invalidated, even while its refresh runs', async () => {
    const db = store();
    let now = 0;
    db.rows.set('a.localhost', route('a.localhost'));
    const table = new RouteTable({ load: db.load, positiveTtlMs: 60_000, now: () => now });
    await table.lookup('a.localhost');
    now = 60_000;
    db.holdQueries(true);
    await table.lookup('a.localhost'); // stale answer, refresh held
    db.rows.delete('a.localhost'); // the preview is destroyed …
    table.invalidate('a.localhost'); // … and the gateway is told
    expect(table.cached('a.localhost')).toBeUndefined();
    const after = table.lookup('a.localhost');
    db.release();
    db.holdQueries(false);
    await Promise.resolve();
    db.release();
    expect(await after).toBeNull();
  });

  it('reads the cache synchronously: a fresh entry, a remembered "no route", or undefined', async () => {
    const db = store();
    db.rows.set('a.localhost', route('a.localhost'));
    const table = new RouteTable({ load: db.load });
    expect(table.cached('a.localhost')).toBeUndefined();
    await table.lookup('a.localhost');
    await table.lookup('b.localhost');
    expect(table.cached('a.localhost')).toMatchObject({ targetPort: 3000 });
    expect(table.cached('b.localhost')).toBeNull();
  });

  it('shares one query between concurrent lookups of a host', async () => {
    const db = store();
    db.rows.set('a.localhost', route('a.localhost'));
    db.holdQueries(true);
    const table = new RouteTable({ load: db.load });
    const lookups = Promise.all([1, 2, 3].map(() => table.lookup('a.localhost')));
    await Promise.resolve();
    db.release();
    expect((await lookups).every((r) => r?.targetPort === 3000)).toBe(true);
    expect(db.queries).toBe(1);
  });

  it('never caches the result of a query an invalidation overtook', async () => {
    const db = store();
    db.holdQueries(true);
    const table = new RouteTable({ load: db.load });
    const stale = table.lookup('a.localhost'); // reads "no route"
    await Promise.resolve();
    db.rows.set('a.localhost', route('a.localhost')); // expose writes the route …
    table.invalidate('a.localhost'); // … and publishes
    db.holdQueries(false);
    db.release();
    expect(await stale).toBeNull();
    expect(await table.lookup('a.localhost')).not.toBeNull();
  });

  it('invalidates everything on "*", and host names case-insensitively', async () => {
    const db = store();
    db.rows.set('a.localhost', route('a.localhost'));
    db.rows.set('b.localhost', route('b.localhost'));
    const table = new RouteTable({ load: db.load });
    await table.lookup('a.localhost');
    await table.lookup('b.localhost');
    table.invalidate('*');
    expect(table.size).toBe(0);
    await table.lookup('a.localhost');
    table.invalidate('A.LOCALHOST');
    expect(table.size).toBe(0);
  });

  it('does not cache load failures', async () => {
    let fail = true;
    const table = new RouteTable({
      load: async (hostname) => {
        if (fail) throw new Error('postgres is down');
        return route(hostname);
      },
    });
    await expect(table.lookup('a.localhost')).rejects.toThrow('postgres is down');
    fail = false;
    expect(await table.lookup('a.localhost')).not.toBeNull();
  });

  it('trusts a sleeping route only briefly: a lost wake announcement costs seconds, not a minute', async () => {
    const db = store();
    let now = 0;
    const asleep = { environmentId: 'env-1', dockerHost: 'local', sleptAt: 1 };
    db.rows.set('a.localhost', { ...route('a.localhost'), asleep });
    const table = new RouteTable({ load: db.load, asleepTtlMs: 2_000, now: () => now });
    expect((await table.lookup('a.localhost'))?.asleep).toEqual(asleep);
    db.rows.set('a.localhost', route('a.localhost'));
    now = 1_999;
    expect((await table.lookup('a.localhost'))?.asleep).toEqual(asleep);
    expect(db.queries).toBe(1);
    now = 2_000;
    await table.lookup('a.localhost'); // answered from memory while one refresh runs
    await new Promise((resolve) => setImmediate(resolve));
    expect((await table.lookup('a.localhost'))?.asleep).toBeUndefined();
    expect(db.queries).toBe(2);
  });

  it('keeps at most maxEntries hostnames (Host headers are attacker-controlled)', async () => {
    const table = new RouteTable({ load: async () => null, maxEntries: 3 });
    for (let i = 0; i < 10; i += 1) await table.lookup(`probe-${i}.localhost`);
    expect(table.size).toBe(3);
  });
});
