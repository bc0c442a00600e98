import { describe, expect, it } from 'vitest';
import {
  imageInventory,
  ownerStatus,
  type ReconcileEnvironment,
  type ReconcileInput,
  type ReconcileLedgerRow,
  type ReconcileObject,
  reconcilePlan,
} from './reconcile-plan.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const GRACE = 10 * 60_000;
const OLD = new Date(NOW.getTime() - GRACE - 1);
const YOUNG = new Date(NOW.getTime() - GRACE + 60_000);

const env = (id: string, state: string, leased = false): ReconcileEnvironment => ({
  id,
  envLabel: `acme/shop#${id}`,
  state,
  leased,
});
const row = (
  id: string,
  kind: string,
  name: string,
  environmentId: string | null,
  more: Partial<ReconcileLedgerRow> = {},
): ReconcileLedgerRow => ({
  id,
  kind,
  name,
  environmentId,
  state: 'created',
  createdAt: OLD,
  updatedAt: OLD,
  ...more,
});
const object = (
  kind: ReconcileObject['kind'],
  name: string,
  envLabel?: string,
  createdAt: Date | undefined = OLD,
): ReconcileObject => ({
  kind,
  name,
  ...(envLabel ? { envLabel } : {}),
  ...(createdAt ? { createdAt } : {}),
});
const plan = (input: Partial<ReconcileInput>) =>
  reconcilePlan({ ledger: [], objects: [], environments: [], now: NOW, graceMs: GRACE, ...input });
const names = (p: ReturnType<typeof plan>) => p.remove.map((r) => `${r.kind}:${r.name}`);

describe('ownerStatus', () => {
  it('is busy while a stage builds, provisions or holds the lease; closed once the PR is', () => {
    expect(ownerStatus(undefined)).toBe('gone');
    expect(ownerStatus(env('1', 'building'))).toBe('busy');
    expect(ownerStatus(env('1', 'provisioning'))).toBe('busy');
    expect(ownerStatus(env('1', 'destroying', true))).toBe('busy');
    expect(ownerStatus(env('1', 'ready', true))).toBe('busy');
    for (const state of ['pending', 'held', 'ready', 'failed']) {
      expect(ownerStatus(env('1', state))).toBe('live');
    }
    for (const state of ['destroying', 'destroyed', 'skipped']) {
      expect(ownerStatus(env('1', state))).toBe('closed');
    }
  });
});

describe('reconcilePlan', () => {
  it("keeps a live environment's objects, recorded or not, and counts the unrecorded", () => {
    const p = plan({
      environments: [env('1', 'ready')],
      ledger: [row('r1', 'container', 'c1', '1')],
      objects: [object('container', 'c1', 'acme/shop#1'), object('volume', 'v1', 'acme/shop#1')],
    });
    expect(p.remove).toEqual([]);
    expect(p.kept).toMatchObject({ live: 2 });
    expect(p.unrecorded).toBe(1);
  });

  it('never touches the objects of a building, provisioning or leased environment', () => {
    const p = plan({
      environments: [env('1', 'building'), env('2', 'provisioning'), env('3', 'destroying', true)],
      ledger: [row('r3', 'network', 'n3', '3', { state: 'deleting' })],
      objects: [
        object('container', 'c1', 'acme/shop#1'),
        object('volume', 'v2', 'acme/shop#2'),
        object('network', 'n3', 'acme/shop#3'),
      ],
    });
    expect(p.remove).toEqual([]);
    expect(p.kept.busy).toBe(3);
  });

  it('removes what closed, vanished or no environment owns, in removal order', () => {
    const p = plan({
      environments: [env('1', 'destroyed'), env('2', 'skipped'), env('4', 'destroying')],
      ledger: [
        row('r1', 'container', 'c1', '1'),
        row('r2', 'volume', 'v2', '2', { state: 'deleting' }),
        row('r4', 'network', 'n4', '4'),
        row('r5', 'volume', 'v5', null),
      ],
      objects: [
        object('network', 'n4', 'acme/shop#4'),
        object('volume', 'v2', 'acme/shop#2'),
        object('container', 'c1', 'acme/shop#1'),
        object('container', 'ghost', 'acme/shop#99'),
        object('volume', 'v5'),
        object('volume', 'bare'),
      ],
    });
    expect(names(p)).toEqual([
      'container:c1',
      'container:ghost',
      'volume:bare',
      'volume:v2',
      'volume:v5',
      'network:n4',
    ]);
    const by = Object.fromEntries(p.remove.map((r) => [r.name, r]));
    expect(by['c1']).toMatchObject({
      reason: 'environment-closed',
      ledgerId: 'r1',
      environmentId: '1',
    });
    expect(by['ghost']).toMatchObject({ reason: 'environment-gone', environmentId: null });
    expect(by['ghost']?.ledgerId).toBeUndefined();
    expect(by['bare']).toMatchObject({ reason: 'unowned', environmentId: null });
    expect(by['v5']).toMatchObject({ reason: 'unowned', ledgerId: 'r5' });
  });

  it('lets any live claim win: a live label or a live ledger owner keeps an object', () => {
    const p = plan({
      environments: [env('1', 'destroyed'), env('2', 'ready')],
      ledger: [row('r1', 'volume', 'shared', '2')],
      objects: [
        object('volume', 'shared', 'acme/shop#1'),
        object('volume', 'moved', 'acme/shop#2'),
      ],
    });
    expect(p.remove).toEqual([]);
    expect(p.kept.live).toBe(2);
  });

  it('leaves objects younger than the grace period, or of unknown age, or with a fresh row', () => {
    const p = plan({
      environments: [env('1', 'destroyed')],
      ledger: [row('r2', 'volume', 'touched', '1', { updatedAt: YOUNG })],
      objects: [
        object('container', 'new', 'acme/shop#1', YOUNG),
        object('volume', 'touched', 'acme/shop#1'),
        { kind: 'network', name: 'ageless', envLabel: 'acme/shop#1' },
      ],
    });
    expect(p.remove).toEqual([]);
    expect(p.kept.young).toBe(3);
    // Exactly at the cut-off it is old enough.
    const edge = plan({
      objects: [object('volume', 'edge', undefined, new Date(NOW.getTime() - GRACE))],
    });
    expect(names(edge)).toEqual(['volume:edge']);
  });

  it('marks rows stale whose object is gone, unless young, deleted or of a busy environment', () => {
    const p = plan({
      environments: [env('1', 'ready'), env('2', 'destroyed'), env('3', 'building')],
      ledger: [
        row('a', 'container', 'gone-live', '1'),
        row('b', 'volume', 'gone-closed', '2', { state: 'deleting' }),
        row('c', 'network', 'gone-unowned', null, { state: 'planned' }),
        row('d', 'volume', 'gone-young', '2', { updatedAt: YOUNG }),
        row('e', 'volume', 'gone-busy', '3'),
        row('f', 'volume', 'already', '2', { state: 'deleted' }),
        row('g', 'container', 'present', '1'),
        row('h', 'image', 'berth/x:1', null),
        row('i', 'route', 'web.example', '2'),
      ],
      objects: [object('container', 'present', 'acme/shop#1')],
    });
    expect(p.markStale.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(p.markStale[1]).toEqual({
      id: 'b',
      kind: 'volume',
      name: 'gone-closed',
      state: 'deleting',
      environmentId: '2',
    });
    expect(p.remove).toEqual([]);
  });

  it('gives back the subnets of closed environments once no network uses the range', () => {
    const p = plan({
      environments: [env('1', 'destroyed'), env('2', 'ready'), env('3', 'destroyed')],
      ledger: [
        row('s1', 'subnet', '10.210.0.0/26', '1'),
        row('s2', 'subnet', '10.210.0.64/26', '2'),
        row('s3', 'subnet', '10.210.0.128/26', '3'),
        row('s4', 'subnet', '10.210.0.192/26', null),
        row('s5', 'subnet', '10.210.1.0/26', '3'),
        row('s6', 'subnet', '10.210.1.64/26', null, { updatedAt: YOUNG }),
        row('n3', 'network', 'net3', '3'),
      ],
      objects: [object('network', 'net3', 'acme/shop#3')],
      hostNetworks: [
        // A slice of s3's range on an orphan network removed in this same run.
        { name: 'net3', subnets: ['10.210.0.128/27'] },
        // Someone else's network on s5's range: the range stays held.
        { name: 'theirs', subnets: ['10.210.1.0/24', 'fd00::/64'] },
      ],
    });
    expect(names(p)).toEqual([
      'network:net3',
      'subnet:10.210.0.0/26',
      'subnet:10.210.0.128/26',
      'subnet:10.210.0.192/26',
    ]);
    expect(p.remove.find((r) => r.name === '10.210.0.192/26')?.reason).toBe('unowned');
    expect(p.kept).toMatchObject({ live: 1, held: 1, young: 1 });
  });

  it('is the same plan twice (the dry run is the real run)', () => {
    const input: Partial<ReconcileInput> = {
      environments: [env('1', 'destroyed')],
      ledger: [row('r1', 'container', 'c1', '1'), row('r2', 'volume', 'gone', '1')],
      objects: [object('container', 'c1', 'acme/shop#1'), object('volume', 'x', 'acme/shop#7')],
    };
    expect(plan(input)).toEqual(plan(input));
  });
});

describe('reconcilePlan: Route 53 records and Secrets Manager secrets', () => {
  const secret = (name: string, envId?: string, createdAt: Date | undefined = OLD) =>
    ({
      kind: 'secret',
      name,
      ...(envId ? { envId } : {}),
      ...(createdAt ? { createdAt } : {}),
    }) as const;
  const record = (host: string, envId?: string) =>
    ({ kind: 'dns_record', name: host, ...(envId ? { envId } : {}) }) as const;
  const cloud = ['container', 'volume', 'network', 'dns_record', 'secret'] as const;

  it('claims by the environment id a tag or an ownership TXT names, like a label', () => {
    const p = plan({
      listed: cloud,
      environments: [env('1', 'ready'), env('2', 'destroyed'), env('3', 'building')],
      ledger: [
        row('r1', 'secret', 'berth/preview/acme/shop/pr-1/g1', '1'),
        row('r2', 'dns_record', 'web.pr-2.example.com', '2', { state: 'deleting' }),
      ],
      objects: [
        secret('berth/preview/acme/shop/pr-1/g1', '1'),
        secret('berth/preview/acme/shop/pr-2/g1', '2'),
        secret('berth/preview/acme/shop/pr-3/g1', '3'),
        secret('berth/preview/acme/shop/pr-9/g1', '9'),
        record('web.pr-2.example.com', '2'),
        record('web.pr-1.example.com', '1'),
      ],
    });
    expect(names(p)).toEqual([
      'dns_record:web.pr-2.example.com',
      'secret:berth/preview/acme/shop/pr-2/g1',
      'secret:berth/preview/acme/shop/pr-9/g1',
    ]);
    expect(p.remove.map((r) => [r.reason, r.environmentId])).toEqual([
      ['environment-closed', '2'],
      ['environment-closed', '2'],
      ['environment-gone', null],
    ]);
    expect(p.kept).toMatchObject({ live: 2, busy: 1 });
    expect(p.unrecorded).toBe(1); // the live record no row records
    expect(p.sight).toEqual([]);
  });

  it('times an object of unknown age with no row from its first sighting', () => {
    const p = plan({
      listed: cloud,
      environments: [env('2', 'destroyed')],
      ledger: [
        row('r1', 'dns_record', 'old.example.com', null),
        row('r2', 'dns_record', 'fresh.example.com', null, { updatedAt: YOUNG }),
      ],
      objects: [
        record('old.example.com'),
        record('fresh.example.com'),
        record('new.example.com', '2'),
        record('bare.example.com'),
      ],
    });
    expect(names(p)).toEqual(['dns_record:old.example.com']);
    expect(p.sight).toEqual([
      { kind: 'dns_record', name: 'new.example.com', envId: '2' },
      { kind: 'dns_record', name: 'bare.example.com' },
    ]);
    expect(p.kept.young).toBe(3);
  });

  it('marks rows stale only for the kinds listed this run', () => {
    const ledger = [
      row('s', 'secret', 'berth/preview/x/g1', '2'),
      row('d', 'dns_record', 'gone.example.com', '2'),
      row('v', 'volume', 'gone-v', '2'),
    ];
    const environments = [env('2', 'destroyed')];
    expect(plan({ ledger, environments }).markStale.map((r) => r.id)).toEqual(['v']);
    expect(
      plan({ ledger, environments, listed: cloud }).markStale.map((r) => `${r.kind}:${r.id}`),
    ).toEqual(['volume:v', 'dns_record:d', 'secret:s']);
  });
});

describe('reconcilePlan: base states', () => {
  const capture = (sha: string, at: string, service = 'db') => ({
    baseState: true,
    capture: { service, sha, generation: 1, capturedAt: `2026-11-${at}T00:00:00Z` },
  });
  const baseVolume = (name: string): ReconcileObject => ({
    ...object('volume', name, 'acme/shop#0'),
    baseState: true,
  });
  const base = { ...env('0', 'ready'), envLabel: 'acme/shop#0' };

  it('keeps the newest kept captures per service, removes older ones and untracked copies', () => {
    const p = plan({
      baseStatesKept: 2,
      environments: [base],
      ledger: [
        row('a', 'volume', 'db-base-a', '0', capture('a', '01')),
        row('b', 'volume', 'db-base-b', '0', capture('b', '02')),
        row('c', 'volume', 'db-base-c', '0', capture('c', '03')),
        row('q', 'volume', 'q-base-a', '0', capture('a', '01', 'queue')),
        row('f', 'volume', 'db-base-f', '0', { state: 'failed', baseState: true }),
        row('g', 'volume', 'db-base-gone', '0', capture('g', '04')),
        row('x', 'volume', 'db-data', '0'),
      ],
      objects: [
        ...['db-base-a', 'db-base-b', 'db-base-c', 'q-base-a', 'db-base-f', 'db-base-lost'].map(
          baseVolume,
        ),
        object('volume', 'db-data', 'acme/shop#0'),
      ],
    });
    expect(p.remove.map((r) => `${r.name}:${r.reason}`)).toEqual([
      'db-base-a:base-state-surplus',
      'db-base-f:base-state-untracked',
      'db-base-lost:base-state-untracked',
    ]);
    expect(p.remove.every((r) => r.baseState)).toBe(true);
    expect(p.remove[2]).toMatchObject({ environmentId: '0', envLabel: 'acme/shop#0' });
    expect(p.kept.live).toBe(4); // b, c, the queue's only capture, the database's own volume
    expect(p.markStale).toEqual([
      {
        id: 'g',
        kind: 'volume',
        name: 'db-base-gone',
        state: 'created',
        environmentId: '0',
        baseState: true,
      },
    ]);
  });

  it('leaves every base state alone while the base environment is busy, or young', () => {
    const p = plan({
      baseStatesKept: 1,
      environments: [{ ...base, state: 'provisioning' }],
      ledger: [
        row('a', 'volume', 'db-base-a', '0', capture('a', '01')),
        row('b', 'volume', 'db-base-b', '0', capture('b', '02')),
      ],
      objects: ['db-base-a', 'db-base-b', 'db-base-new'].map(baseVolume),
    });
    expect(p.remove).toEqual([]);
    expect(p.kept.busy).toBe(3);
    const young = plan({
      baseStatesKept: 1,
      environments: [base],
      objects: [{ ...baseVolume('db-base-new'), createdAt: YOUNG }],
    });
    expect(young.remove).toEqual([]);
    expect(young.kept.young).toBe(1);
  });
});

describe('imageInventory', () => {
  it('counts images by whether a ledger row records one of their tags', () => {
    expect(
      imageInventory(
        [
          { tags: ['berth/a:1'], sizeBytes: 10 },
          { tags: ['berth/b:1', 'berth/b:latest'], sizeBytes: 5 },
          { tags: [], sizeBytes: 1 },
        ],
        new Set(['berth/b:latest']),
      ),
    ).toEqual({ total: 3, recorded: 1, unrecorded: 2, bytes: 16 });
  });
});
