import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { startRoute53Emulator, type Route53Emulator } from '@berth/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZoneRecordReader } from './zone-record-reader.js';

const ZONE = 'previews.example.com';

describe('ZoneRecordReader', () => {
  let r53: Route53Emulator;
  let client: Route53Client;
  let zoneId: string;
  const lists = () => r53.requestLog.filter((r) => r.operation === 'ListResourceRecordSets');
  const reader = (pageSize: number) =>
    new ZoneRecordReader({
      windowMs: 5,
      pageSize,
      list: (input) =>
        client.send(new ListResourceRecordSetsCommand({ ...input, HostedZoneId: zoneId })),
    });
  const names = (records: { Name?: string; Type?: string }[]) =>
    records.map((r) => `${r.Name ?? ''} ${r.Type ?? ''}`).sort();

  beforeEach(async () => {
    r53 = await startRoute53Emulator();
    client = new Route53Client({
      endpoint: r53.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    zoneId = r53.createZone(ZONE);
    const set = (name: string, type: 'A' | 'AAAA' | 'TXT', value: string) => ({
      Action: 'CREATE' as const,
      ResourceRecordSet: {
        Name: `${name}.${ZONE}`,
        Type: type,
        TTL: 60,
        ResourceRecords: [{ Value: value }],
      },
    });
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            set('a', 'A', '203.0.113.1'),
            set('a', 'AAAA', '2001:db8::1'),
            set('_berth.a', 'TXT', '"x"'),
            ...['b', 'c', 'd', 'e', 'f'].map((n) => set(n, 'TXT', `"${n}"`)),
          ],
        },
      }),
    );
    r53.clearRequests();
  });
  afterEach(async () => {
    client.destroy();
    await r53.close();
  });

  it('answers concurrent lookups from one shared walk', async () => {
    const r = reader(300);
    const [first, second, absent] = await Promise.all([
      r.lookup(['a.previews.example.com', '_berth.a.previews.example.com']),
      r.lookup(['F.previews.example.com.']),
      r.lookup(['zz.previews.example.com']),
    ]);
    expect(names(first)).toEqual([
      '_berth.a.previews.example.com. TXT',
      'a.previews.example.com. A',
      'a.previews.example.com. AAAA',
    ]);
    expect(names(second)).toEqual(['f.previews.example.com. TXT']);
    expect(absent).toEqual([]);
    // One page from `a` saw a, _berth.a and f; only the absent name needed a page of its own.
    expect(lists()).toHaveLength(2);
  });

  it('reads a name cut by a page end again from its start', async () => {
    // From the apex, a page of 3 is [NS, SOA, a A]: `a` continues past it, so it gets its own.
    const found = await reader(3).lookup([ZONE, 'a.previews.example.com']);
    expect(names(found)).toEqual([
      'a.previews.example.com. A',
      'a.previews.example.com. AAAA',
      'previews.example.com. NS',
      'previews.example.com. SOA',
    ]);
    expect(lists()).toHaveLength(2);
  });

  it('follows a start name across pages', async () => {
    const found = await reader(1).lookup(['a.previews.example.com']);
    expect(names(found)).toEqual(['a.previews.example.com. A', 'a.previews.example.com. AAAA']);
    expect(lists()).toHaveLength(2);
  });

  it('lists the whole zone page by page', async () => {
    const all = await reader(3).all();
    expect(all).toHaveLength(2 + 8);
    expect(lists()).toHaveLength(4);
  });
});
