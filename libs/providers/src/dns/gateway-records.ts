// The changes `publish` makes per host: the host's record pointing at the gateway (a CNAME to its
// name, or A/AAAA to its addresses) and the ownership TXT next to it, both UPSERTs so publishing
// again changes nothing.
import { isIP } from 'node:net';
import type { Change } from '@aws-sdk/client-route-53';
import { ownershipName } from '@berth/core';

export type GatewayTarget = { cname: string } | { addresses: readonly string[] };

export interface HostRecord {
  type: 'CNAME' | 'A' | 'AAAA';
  values: string[];
}

/** The record sets every preview host gets; throws naming the problem for a bad target. */
export function gatewayRecords(target: GatewayTarget): HostRecord[] {
  if ('cname' in target) {
    const cname = target.cname.trim().toLowerCase();
    if (cname === '' || /[\s/:@]/.test(cname)) {
      throw new Error(`Route 53 target CNAME \`${target.cname}\` is not a host name`);
    }
    return [{ type: 'CNAME', values: [cname] }];
  }
  const v4 = target.addresses.filter((a) => isIP(a) === 4);
  const v6 = target.addresses.filter((a) => isIP(a) === 6);
  const bad = target.addresses.filter((a) => isIP(a) === 0);
  if (bad.length > 0 || target.addresses.length === 0) {
    throw new Error(
      `Route 53 target addresses must be IPv4 or IPv6 addresses of the gateway, got [${target.addresses.join(', ')}]`,
    );
  }
  return [
    ...(v4.length > 0 ? [{ type: 'A' as const, values: [...new Set(v4)] }] : []),
    ...(v6.length > 0 ? [{ type: 'AAAA' as const, values: [...new Set(v6)] }] : []),
  ];
}

export function publishChanges(
  host: string,
  records: readonly HostRecord[],
  ownership: string,
  ttl: number,
): Change[] {
  return [
    ...records.map((r) => upsert(host, r.type, r.values, ttl)),
    upsert(ownershipName(host), 'TXT', [ownership], ttl),
  ];
}

function upsert(
  name: string,
  type: HostRecord['type'] | 'TXT',
  values: string[],
  ttl: number,
): Change {
  return {
    Action: 'UPSERT',
    ResourceRecordSet: {
      Name: name,
      Type: type,
      TTL: ttl,
      ResourceRecords: values.map((Value) => ({ Value })),
    },
  };
}
