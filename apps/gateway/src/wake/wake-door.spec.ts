import { describe, expect, it } from 'vitest';
import type { GatewayRoute, RouteSleep } from '../routes/gateway-route.js';
import { WakeDoor } from './wake-door.js';

const asleep: RouteSleep = { environmentId: 'env-1', dockerHost: 'local', sleptAt: 1_000 };
const route = (sleeping: boolean): GatewayRoute => ({
  hostname: 'web-pr-1-shop.localhost',
  environmentId: 'env-1',
  service: 'web',
  targetHost: '10.0.0.2',
  targetPort: 3000,
  accessMode: 'private',
  ...(sleeping ? { asleep } : {}),
});

/** A route store the test controls (what RouteTable reads), and the wake requests made. */
function harness(holdMs: number) {
  const asked: RouteSleep[] = [];
  let current: GatewayRoute | null = route(true);
  let now = 0;
  const door = new WakeDoor({
    request: async (sleep) => void asked.push(sleep),
    lookup: async () => current,
    holdMs,
    pollMs: 60_000, // only announcements wake a held request here
    now: () => now,
  });
  return {
    door,
    asked,
    set: (next: GatewayRoute | null) => (current = next),
    tick: (ms: number) => (now += ms),
  };
}

describe('WakeDoor', () => {
  it('asks once per sleep however many requests come, and again after a while', () => {
    const { door, asked, tick } = harness(0);
    door.ask(asleep);
    door.ask(asleep);
    expect(asked).toEqual([asleep]);
    tick(9_999);
    door.ask(asleep);
    expect(asked).toHaveLength(1);
    tick(1);
    door.ask(asleep); // a wake that failed is asked for again
    door.ask({ ...asleep, sleptAt: 2_000 }); // a later sleep is a new request
    expect(asked).toHaveLength(3);
  });

  it('with no hold, answers at once (the front door shows "waking up")', async () => {
    const { door, asked } = harness(0);
    expect(await door.hold(route(true), 'web-pr-1-shop.localhost')).toBeUndefined();
    expect(asked).toEqual([asleep]);
  });

  it('holds a request until the wake is announced, then hands over the awake route', async () => {
    const { door, set } = harness(5_000);
    const held = door.hold(route(true), 'web-pr-1-shop.localhost');
    await new Promise((resolve) => setImmediate(resolve));
    door.notify('WEB-PR-1-SHOP.localhost'); // an announcement for something else: still asleep
    await new Promise((resolve) => setImmediate(resolve));
    set(route(false));
    door.notify('*');
    expect(await held).toMatchObject({ hostname: 'web-pr-1-shop.localhost', targetPort: 3000 });
    expect((await held)?.asleep).toBeUndefined();
  });

  it('gives up when the route is gone (torn down while asleep)', async () => {
    const { door, set } = harness(5_000);
    const held = door.hold(route(true), 'web-pr-1-shop.localhost');
    await new Promise((resolve) => setImmediate(resolve));
    set(null);
    door.notify('web-pr-1-shop.localhost');
    expect(await held).toBeUndefined();
  });
});
