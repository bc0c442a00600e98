// The Route 53 emulator driven through the official SDK client, as our DNS driver uses it.
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  Route53Client,
  Route53ServiceException,
  type Change,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRoute53Emulator, type Route53Emulator } from './index.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const cname = (name: string, target: string): ResourceRecordSet => ({
  Name: name,
  Type: 'CNAME',
  TTL: 60,
  ResourceRecords: [{ Value: target }],
});
const txt = (name: string, value: string): ResourceRecordSet => ({
  Name: name,
  Type: 'TXT',
  TTL: 60,
  ResourceRecords: [{ Value: `"${value}"` }],
});
const change = (Action: Change['Action'], ResourceRecordSet: ResourceRecordSet): Change => ({
  Action,
  ResourceRecordSet,
});

describe('Route 53 emulator', () => {
  let r53: Route53Emulator;
  let client: Route53Client;
  let zoneId: string;
  const clientWith = (maxAttempts?: number): Route53Client =>
    new Route53Client({
      endpoint: r53.url,
      region: 'eu-west-1',
      credentials,
      ...(maxAttempts ? { maxAttempts } : {}),
    });
  const send = (changes: Change[], on = client) =>
    on.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Comment: 'berth', Changes: changes },
      }),
    );

  beforeEach(async () => {
    r53 = await startRoute53Emulator({ insyncAfterMs: 200 });
    client = clientWith();
    zoneId = r53.createZone('preview.example.com');
  });
  afterEach(async () => {
    client.destroy();
    await r53.close();
  });

  it('finds the zone by name and shows its delegation', async () => {
    const byName = await client.send(
      new ListHostedZonesByNameCommand({ DNSName: 'preview.example.com', MaxItems: 1 }),
    );
    expect(byName.HostedZones?.[0]).toMatchObject({
      Id: `/hostedzone/${zoneId}`,
      Name: 'preview.example.com.',
      ResourceRecordSetCount: 2,
      Config: { PrivateZone: false },
    });
    const zone = await client.send(new GetHostedZoneCommand({ Id: `/hostedzone/${zoneId}` }));
    expect(zone.DelegationSet?.NameServers).toHaveLength(4);
    expect(r53.records(zoneId).map((r) => r.type)).toEqual(['NS', 'SOA']);

    const created = await client.send(
      new CreateHostedZoneCommand({ Name: 'other.example.org', CallerReference: 'ref-1' }),
    );
    expect(created.Location).toMatch(/\/2013-04-01\/hostedzone\/Z[A-Z0-9]+$/);
    expect(created.ChangeInfo?.Status).toBe('PENDING');
  });

  it('upserts and deletes a CNAME with its companion TXT in one batch', async () => {
    const host = 'pr-42.preview.example.com';
    const batch = [
      change('UPSERT', cname(host, 'lb.example.net')),
      change('UPSERT', txt(`_berth.${host}`, 'owner=berth pr=42')),
    ];
    const answer = await send(batch);
    expect(answer.ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'berth' });
    expect(answer.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);
    expect(answer.ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);

    expect(r53.record(zoneId, host, 'CNAME')).toMatchObject({
      name: 'pr-42.preview.example.com.',
      ttl: 60,
      values: ['lb.example.net'],
    });
    expect(r53.record(zoneId, `_berth.${host}`, 'TXT')?.values).toEqual(['"owner=berth pr=42"']);

    // UPSERT again is idempotent; a changed target replaces the value.
    await send([change('UPSERT', cname(host, 'lb2.example.net'))]);
    expect(r53.record(zoneId, host, 'CNAME')?.values).toEqual(['lb2.example.net']);

    await send([
      change('DELETE', cname(host, 'lb2.example.net')),
      change('DELETE', txt(`_berth.${host}`, 'owner=berth pr=42')),
    ]);
    expect(r53.records(zoneId).map((r) => r.type)).toEqual(['NS', 'SOA']);
  });

  it('rejects invalid batches whole, as the SDK InvalidChangeBatch class', async () => {
    const host = 'pr-1.preview.example.com';
    await send([change('CREATE', cname(host, 'a.example.net'))]);

    const exists = await send([change('CREATE', cname(host, 'a.example.net'))]).catch(
      (e: unknown) => e,
    );
    expect(exists).toBeInstanceOf(InvalidChangeBatch);
    expect((exists as InvalidChangeBatch).message).toBe(
      "[Tried to create resource record set [name='pr-1.preview.example.com.', type='CNAME'] but it already exists]",
    );
    expect((exists as InvalidChangeBatch).$metadata.httpStatusCode).toBe(400);

    const mismatch = await send([change('DELETE', cname(host, 'wrong.example.net'))]).catch(
      (e: unknown) => e,
    );
    expect((mismatch as InvalidChangeBatch).message).toContain(
      'but the values provided do not match the current values',
    );

    const missing = await send([change('DELETE', txt('gone.preview.example.com', 'x'))]).catch(
      (e: unknown) => e,
    );
    expect((missing as InvalidChangeBatch).message).toContain('but it was not found');

    // Atomic: the valid first change is not applied when the second conflicts with the CNAME.
    const conflict = await send([
      change('CREATE', txt('pr-2.preview.example.com', 'fine')),
      change('CREATE', txt(host, 'clashes with the CNAME')),
    ]).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(InvalidChangeBatch);
    expect((conflict as InvalidChangeBatch).message).toContain(
      'conflicting RRSet of type CNAME with the same DNS name already exists',
    );
    expect(r53.record(zoneId, 'pr-2.preview.example.com', 'TXT')).toBeUndefined();

    const unquoted = await send([
      change('CREATE', {
        Name: 'q.preview.example.com',
        Type: 'TXT',
        TTL: 60,
        ResourceRecords: [{ Value: 'not quoted' }],
      }),
    ]).catch((e: unknown) => e);
    expect((unquoted as InvalidChangeBatch).message).toContain(
      'Value should be enclosed in quotation marks',
    );

    const outside = await send([change('CREATE', cname('x.elsewhere.com', 'a.example.net'))]).catch(
      (e: unknown) => e,
    );
    expect((outside as InvalidChangeBatch).message).toBe(
      '[RRSet with DNS name x.elsewhere.com. is not permitted in zone preview.example.com.]',
    );
  });

  it('pages ListResourceRecordSets in Route 53 order', async () => {
    const names = ['b', 'a', 'c.a', 'd', '*'];
    await send(names.map((n) => change('CREATE', txt(`${n}.preview.example.com`, n))));
    const seen: string[] = [];
    let start: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type'] } = {};
    let pages = 0;
    for (;;) {
      const page = await client.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 2, ...start }),
      );
      pages += 1;
      expect(page.MaxItems).toBe(2);
      seen.push(...(page.ResourceRecordSets ?? []).map((r) => `${r.Name ?? ''} ${r.Type ?? ''}`));
      if (!page.IsTruncated) break;
      start = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType };
    }
    expect(pages).toBe(4);
    // Labels reversed, then ASCII: "\052" (escaped *) sorts before letters.
    expect(seen).toEqual([
      'preview.example.com. NS',
      'preview.example.com. SOA',
      '\\052.preview.example.com. TXT',
      'a.preview.example.com. TXT',
      'c.a.preview.example.com. TXT',
      'b.preview.example.com. TXT',
      'd.preview.example.com. TXT',
    ]);
    const one = await client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: 'b.preview.example.com',
        StartRecordType: 'TXT',
        MaxItems: 1,
      }),
    );
    expect(one.ResourceRecordSets?.[0]?.ResourceRecords).toEqual([{ Value: '"b"' }]);
    expect(one.NextRecordName).toBe('d.preview.example.com.');
  });

  it('reports changes PENDING, then INSYNC', async () => {
    const answer = await send([change('UPSERT', txt('s.preview.example.com', 'x'))]);
    const id = answer.ChangeInfo?.Id ?? '';
    const first = await client.send(new GetChangeCommand({ Id: id }));
    expect(first.ChangeInfo?.Status).toBe('PENDING');
    await new Promise((resolve) => setTimeout(resolve, 250));
    const later = await client.send(new GetChangeCommand({ Id: id }));
    expect(later.ChangeInfo).toMatchObject({ Id: id, Status: 'INSYNC', Comment: 'berth' });
  });

  it('answers NoSuchHostedZone (404) for an unknown zone', async () => {
    const error = await client
      .send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOPE' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSuchHostedZone);
    expect((error as NoSuchHostedZone).$metadata.httpStatusCode).toBe(404);
  });

  describe('faults and throttling', () => {
    it('an injected Throttling is retried by the SDK', async () => {
      r53.faults.add('ChangeResourceRecordSets', 'throttle');
      const answer = await send([change('UPSERT', txt('t.preview.example.com', 'x'))]);
      expect(answer.$metadata.attempts).toBe(2);
      expect(r53.requestLog.map((r) => r.errorCode)).toEqual(['Throttling', undefined]);

      const once = clientWith(1);
      r53.faults.add('ChangeResourceRecordSets', 'throttle');
      const error = await send([change('UPSERT', txt('t.preview.example.com', 'y'))], once).catch(
        (e: unknown) => e,
      );
      once.destroy();
      expect(error).toBeInstanceOf(Route53ServiceException);
      expect((error as Route53ServiceException).name).toBe('Throttling');
      expect((error as Route53ServiceException).message).toBe('Rate exceeded');
      expect(r53.record(zoneId, 't.preview.example.com', 'TXT')?.values).toEqual(['"x"']);
    });

    it('PriorRequestNotComplete and 5xx faults', async () => {
      const once = clientWith(1);
      r53.faults.add('ChangeResourceRecordSets', 'prior-request-not-complete');
      r53.faults.add('ChangeResourceRecordSets', 500);
      const prior = await send([change('UPSERT', txt('p.preview.example.com', 'x'))], once).catch(
        (e: unknown) => e,
      );
      expect(prior).toBeInstanceOf(PriorRequestNotComplete);
      const internal = await send(
        [change('UPSERT', txt('p.preview.example.com', 'x'))],
        once,
      ).catch((e: unknown) => e);
      once.destroy();
      expect((internal as Route53ServiceException).name).toBe('InternalFailure');
      expect((internal as Route53ServiceException).$metadata.httpStatusCode).toBe(500);
    });

    it('the rate limiter throttles a burst of 20 concurrent PR updates', async () => {
      const limited = await startRoute53Emulator({ ratePerSecond: 5 });
      const zone = limited.createZone('preview.example.com');
      const once = new Route53Client({
        endpoint: limited.url,
        region: 'eu-west-1',
        credentials,
        maxAttempts: 1,
      });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          once.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: zone,
              ChangeBatch: {
                Changes: [change('UPSERT', cname(`pr-${i}.preview.example.com`, 'lb.example.net'))],
              },
            }),
          ),
        ),
      );
      once.destroy();
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const throttled = results.filter(
        (r) => r.status === 'rejected' && (r.reason as Error).name === 'Throttling',
      ).length;
      expect(ok).toBeGreaterThanOrEqual(5);
      expect(ok).toBeLessThan(10);
      expect(ok + throttled).toBe(20);
      expect(limited.records(zone).filter((r) => r.type === 'CNAME')).toHaveLength(ok);
      await limited.close();
    });

    it('refuses unsigned requests', async () => {
      const response = await fetch(`${r53.url}/2013-04-01/hostedzone/${zoneId}`);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    });
  });
});
