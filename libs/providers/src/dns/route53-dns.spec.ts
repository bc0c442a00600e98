// Route53Dns through the official SDK client against the Route 53 emulator (REST-XML on loopback).
import { randomUUID } from 'node:crypto';
import {
  ChangeResourceRecordSetsCommand,
  type Change,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { DnsOwnershipError, type DnsOwner } from '@berth/core';
import { startRoute53Emulator, type Route53Emulator } from '@berth/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Route53Dns, type Route53DnsOptions } from './route53-dns.js';

const ZONE = 'previews.example.com';
const GATEWAY = 'gateway.example.net';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const owner = (repository = 'acme/shop'): DnsOwner => ({ environmentId: randomUUID(), repository });
const hostsOf = (pr: number): string[] =>
  ['web', 'api'].map((s) => `${s}.pr-${pr}-shop-0a1b2c3d4e.${ZONE}`);
const proofOf = (o: DnsOwner): string =>
  `"heritage=berth,berth-environment=${o.environmentId},berth-repository=${o.repository}"`;

function clientFor(r53: Route53Emulator, maxAttempts: number | undefined = 1): Route53Client {
  return new Route53Client({
    endpoint: r53.url,
    region: 'us-east-1',
    credentials,
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  });
}

/** Small windows and waits, so the suite stays fast. */
function driverFor(
  client: Route53Client,
  hostedZoneId: string,
  overrides: Partial<Route53DnsOptions> = {},
): Route53Dns {
  return new Route53Dns({
    client,
    hostedZoneId,
    target: { cname: GATEWAY },
    batchWindowMs: 10,
    backoff: { baseMs: 10, capMs: 250 },
    insync: { pollMs: 20, pollCapMs: 60, timeoutMs: 5000 },
    ...overrides,
  });
}

const seed = (client: Route53Client, zoneId: string, changes: Change[]) =>
  client.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: changes },
    }),
  );
const create = (Name: string, Type: 'TXT' | 'CNAME', Value: string): Change => ({
  Action: 'CREATE',
  ResourceRecordSet: { Name, Type, TTL: 300, ResourceRecords: [{ Value }] },
});
const changeCalls = (r53: Route53Emulator) =>
  r53.requestLog.filter((r) => r.operation === 'ChangeResourceRecordSets');

describe('Route53Dns', () => {
  let r53: Route53Emulator;
  let client: Route53Client;
  let zoneId: string;
  let dns: Route53Dns;
  /** The zone's records besides its apex NS and SOA. */
  const previewRecords = () =>
    r53.records(zoneId).filter((r) => !(r.name === `${ZONE}.` && ['NS', 'SOA'].includes(r.type)));

  beforeEach(async () => {
    r53 = await startRoute53Emulator();
    client = clientFor(r53);
    zoneId = r53.createZone(ZONE);
    dns = driverFor(client, zoneId);
  });
  afterEach(async () => {
    client.destroy();
    await r53.close();
  });

  it('publishes a CNAME and its _berth. TXT per host, idempotently, and removes both', async () => {
    const me = owner();
    const [web] = hostsOf(7);
    const published = await dns.publish(me, [web ?? '']);
    expect(published).toEqual([
      {
        host: web,
        type: 'CNAME',
        ownership: `_berth.${web}`,
        changeId: expect.stringMatching(/^C[A-Z0-9]+$/) as unknown,
      },
    ]);
    const expected = [
      { name: `${web}.`, type: 'CNAME', ttl: 60, values: [GATEWAY] },
      { name: `_berth.${web}.`, type: 'TXT', ttl: 60, values: [proofOf(me)] },
    ];
    expect(previewRecords()).toMatchObject(expected);

    await dns.publish(me, [web ?? '', `${web?.toUpperCase()}.`]);
    expect(previewRecords()).toMatchObject(expected);
    expect(previewRecords()).toHaveLength(2);

    await dns.remove(me, [web ?? '']);
    expect(previewRecords()).toEqual([]);
  });

  it('points hosts at the gateway’s addresses with A and AAAA records', async () => {
    const byAddress = driverFor(client, zoneId, {
      target: { addresses: ['203.0.113.10', '2001:db8::10', '203.0.113.11'] },
    });
    const me = owner();
    const [web] = hostsOf(3);
    const published = await byAddress.publish(me, [web ?? '']);
    expect(published.map((p) => p.type)).toEqual(['A', 'AAAA']);
    expect(r53.record(zoneId, web ?? '', 'A')?.values).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(r53.record(zoneId, web ?? '', 'AAAA')?.values).toEqual(['2001:db8::10']);
    await byAddress.remove(me, [web ?? '']);
    expect(previewRecords()).toEqual([]);
  });

  it('leaves a host another environment owns, and says whose it is', async () => {
    const theirs = owner('acme/other');
    const mine = owner();
    const [web, api] = hostsOf(9) as [string, string];
    await dns.publish(theirs, [web]);
    await dns.publish(mine, [api]);
    await seed(client, zoneId, [create(`legacy.${ZONE}`, 'CNAME', 'old.example.net')]);

    const error = await dns.remove(mine, [web, api, `legacy.${ZONE}`]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsOwnershipError);
    expect((error as Error).message).toContain(
      `${web} belongs to environment ${theirs.environmentId} (acme/other)`,
    );
    expect((error as Error).message).toContain(`legacy.${ZONE} has no Berth ownership record`);
    expect((error as DnsOwnershipError).foreign.map((f) => f.host)).toEqual([
      web,
      `legacy.${ZONE}`,
    ]);
    // Mine went; theirs and the unmarked one stayed.
    expect(r53.record(zoneId, api, 'CNAME')).toBeUndefined();
    expect(r53.record(zoneId, `_berth.${api}`, 'TXT')).toBeUndefined();
    expect(r53.record(zoneId, web, 'CNAME')?.values).toEqual([GATEWAY]);
    expect(r53.record(zoneId, `_berth.${web}`, 'TXT')?.values).toEqual([proofOf(theirs)]);
    expect(r53.record(zoneId, `legacy.${ZONE}`, 'CNAME')).toBeDefined();
  });

  it('removes a Berth mark that names no environment only for the owner nobody is', async () => {
    const host = `nameless.${ZONE}`;
    await seed(client, zoneId, [
      create(host, 'CNAME', GATEWAY),
      create(`_berth.${host}`, 'TXT', '"heritage=berth"'),
    ]);
    const error = await dns.remove(owner(), [host]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsOwnershipError);
    expect(r53.record(zoneId, host, 'CNAME')).toBeDefined();
    // The reconciler's orphan without an owner.
    await dns.remove({ environmentId: '', repository: '' }, [host]);
    expect(r53.record(zoneId, host, 'CNAME')).toBeUndefined();
    expect(r53.record(zoneId, `_berth.${host}`, 'TXT')).toBeUndefined();
  });

  it('counts a host already gone as removed, without a change request', async () => {
    r53.clearRequests();
    await dns.remove(owner(), hostsOf(404));
    expect(changeCalls(r53)).toHaveLength(0);
  });

  it('lets two removals of one host race: the later one finds it gone', async () => {
    const me = owner();
    await dns.publish(me, hostsOf(8));
    r53.clearRequests();
    await Promise.all([dns.remove(me, hostsOf(8)), dns.remove(me, hostsOf(8))]);
    expect(previewRecords()).toEqual([]);
    // The second DELETE is refused ("not found"), read again, and found done.
    expect(changeCalls(r53).map((r) => r.status)).toEqual([200, 400]);
  });

  it('fails only the caller whose change Route 53 refuses', async () => {
    const [a, b, c] = [owner(), owner(), owner()];
    r53.clearRequests();
    const results = await Promise.allSettled([
      dns.publish(a, hostsOf(1)),
      dns.publish(b, [`web.pr-2.elsewhere.org`]),
      dns.publish(c, hostsOf(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (results[1] as PromiseRejectedResult).reason as Error;
    expect(reason.name).toBe('InvalidChangeBatch');
    expect(reason.message).toContain('web.pr-2.elsewhere.org. is not permitted in zone');
    for (const host of [...hostsOf(1), ...hostsOf(3)]) {
      expect(r53.record(zoneId, host, 'CNAME')).toBeDefined();
    }
    // Together once, then the others together and the refused caller alone.
    expect(changeCalls(r53)).toHaveLength(3);
  });

  it('waits for INSYNC only when asked', async () => {
    const slow = await startRoute53Emulator({ insyncAfterMs: 300 });
    const slowClient = clientFor(slow);
    const slowZone = slow.createZone(ZONE);
    const driver = driverFor(slowClient, slowZone);
    try {
      const quick = await driver.publish(owner(), hostsOf(1));
      const quickChange = slow.changes().find((c) => c.id === quick[0]?.changeId);
      expect(quickChange?.status).toBe('PENDING');

      const started = Date.now();
      const synced = await driver.publish(owner(), hostsOf(2), { waitInsync: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      const change = slow.changes().find((c) => c.id === synced[0]?.changeId);
      expect(change?.status).toBe('INSYNC');
      expect(slow.requestLog.filter((r) => r.operation === 'GetChange').length).toBeGreaterThan(1);
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  });

  it('inventories exactly the records under Berth’s mark, across pages', async () => {
    const [one, two, orphan] = [owner(), owner('acme/api'), owner()];
    await seed(client, zoneId, [
      create(`_acme-challenge.${ZONE}`, 'TXT', '"token"'),
      create(`legacy.${ZONE}`, 'CNAME', 'old.example.net'),
      create(`_berth.imposter.${ZONE}`, 'TXT', '"heritage=someone-else"'),
      create(`_berth.gone.${ZONE}`, 'TXT', proofOf(orphan)),
      // Past one ListResourceRecordSets page (300).
      ...Array.from({ length: 320 }, (_, i) => create(`filler-${i}.${ZONE}`, 'TXT', `"${i}"`)),
    ]);
    await dns.publish(one, hostsOf(1));
    await driverFor(client, zoneId, {
      target: { addresses: ['203.0.113.7', '2001:db8::7'] },
    }).publish(two, hostsOf(2).slice(0, 1));

    const items = await dns.inventory();
    const summary = items
      .map(
        (i) =>
          `${i.type} ${i.host} ${i.environmentId ?? '-'} ${i.repository ?? '-'} ${i.ownershipName}`,
      )
      .sort();
    const [web1, api1] = hostsOf(1) as [string, string];
    const [web2] = hostsOf(2) as [string];
    expect(summary).toEqual(
      [
        `A ${web2} ${two.environmentId} acme/api _berth.${web2}`,
        `AAAA ${web2} ${two.environmentId} acme/api _berth.${web2}`,
        `CNAME ${api1} ${one.environmentId} acme/shop _berth.${api1}`,
        `CNAME ${web1} ${one.environmentId} acme/shop _berth.${web1}`,
        `TXT gone.${ZONE} ${orphan.environmentId} acme/shop _berth.gone.${ZONE}`,
      ].sort(),
    );
    expect(r53.requestLog.filter((r) => r.operation === 'ListResourceRecordSets').length).toBe(2);
  });

  it('works with a client that keeps the SDK’s own retries', async () => {
    const sdkRetrying = clientFor(r53, undefined);
    const driver = driverFor(sdkRetrying, zoneId);
    r53.faults.add('ChangeResourceRecordSets', 'throttle', 2);
    const me = owner();
    await driver.publish(me, hostsOf(5));
    expect(previewRecords()).toHaveLength(4);
    await driver.remove(me, hostsOf(5));
    expect(previewRecords()).toEqual([]);
    sdkRetrying.destroy();
  });

  it('checks the zone is reachable and holds BASE_DOMAIN, naming the fix when not', async () => {
    expect(await driverFor(client, zoneId, { baseDomain: ZONE }).check()).toEqual({
      ok: true,
      message: `Route 53 hosted zone ${ZONE} (${zoneId}) is reachable`,
    });
    const missing = await driverFor(client, 'ZNOSUCHZONE').check();
    expect(missing.ok).toBe(false);
    expect(missing.message).toContain('NoSuchHostedZone');
    expect(missing.message).toContain('ROUTE53_HOSTED_ZONE_ID');
    for (const permission of [
      'route53:ChangeResourceRecordSets',
      'route53:ListResourceRecordSets',
      'route53:GetChange',
      'route53:GetHostedZone',
    ]) {
      expect(missing.message).toContain(permission);
    }
    const elsewhere = await driverFor(client, zoneId, { baseDomain: 'pr.example.org' }).check();
    expect(elsewhere).toMatchObject({ ok: false });
    expect(elsewhere.message).toContain('does not hold BASE_DOMAIN pr.example.org');
  });
});

describe('Route53Dns under load (50 environments, 5 requests/s)', () => {
  it('publishes and removes 100 hosts in a handful of requests despite throttling', async () => {
    const r53 = await startRoute53Emulator({ ratePerSecond: 5 });
    const client = clientFor(r53);
    const zoneId = r53.createZone(ZONE);
    const dns = driverFor(client, zoneId, {
      batchWindowMs: 20,
      backoff: { baseMs: 50, capMs: 1000 },
    });
    const owners = Array.from({ length: 50 }, () => owner());
    const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
    const count = (op: string, code?: string) =>
      r53.requestLog.filter(
        (r) => r.operation === op && (code === undefined || r.errorCode === code),
      ).length;
    try {
      r53.faults.add('ChangeResourceRecordSets', 'throttle', 2);
      r53.faults.add('ChangeResourceRecordSets', 'prior-request-not-complete', 2);
      r53.faults.add('ListResourceRecordSets', 'throttle', 1);

      let started = Date.now();
      await Promise.all(
        owners.map(async (o, i) => {
          await jitter();
          return dns.publish(o, hostsOf(i));
        }),
      );
      const publishMs = Date.now() - started;
      const records = r53.records(zoneId);
      for (const [i, o] of owners.entries()) {
        for (const host of hostsOf(i)) {
          const cname = records.find((r) => r.name === `${host}.` && r.type === 'CNAME');
          const txt = records.find((r) => r.name === `_berth.${host}.` && r.type === 'TXT');
          expect(cname?.values).toEqual([GATEWAY]);
          expect(txt?.values).toEqual([proofOf(o)]);
        }
      }
      expect(records).toHaveLength(2 + 200);
      const publishCalls = count('ChangeResourceRecordSets');

      r53.faults.add('ChangeResourceRecordSets', 'throttle', 1);
      r53.faults.add('ChangeResourceRecordSets', 'prior-request-not-complete', 1);
      started = Date.now();
      await Promise.all(owners.map((o, i) => dns.remove(o, hostsOf(i))));
      const removeMs = Date.now() - started;
      expect(r53.records(zoneId).map((r) => r.type)).toEqual(['NS', 'SOA']);

      const calls = count('ChangeResourceRecordSets');
      const applied = r53.requestLog.filter(
        (r) => r.operation === 'ChangeResourceRecordSets' && r.status === 200,
      ).length;
      const throttled = r53.requestLog.filter((r) => r.errorCode === 'Throttling').length;
      const prior = count('ChangeResourceRecordSets', 'PriorRequestNotComplete');
      console.log(
        `50 PRs × 2 hosts: ChangeResourceRecordSets ${calls} calls (${publishCalls} publishing, ${calls - publishCalls} removing; ${applied} applied, ${dns.changeRequests} batches), ListResourceRecordSets ${count('ListResourceRecordSets')}, Throttling answers ${throttled}, PriorRequestNotComplete ${prior}; publish ${publishMs} ms, remove ${removeMs} ms`,
      );
      // One request per caller would be 100 applied each way; throttled attempts are retries.
      expect(applied).toBeLessThanOrEqual(6);
      expect(calls).toBeLessThan(30);
      expect(prior).toBe(3);
    } finally {
      client.destroy();
      await r53.close();
    }
  }, 20_000);
});
