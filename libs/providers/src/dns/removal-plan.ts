// What `remove` may delete, decided from the record sets as Route 53 holds them now: a host's
// records go only when its ownership TXT names the caller's environment, and DELETE repeats the
// record sets exactly as read (Route 53 refuses a DELETE whose values differ).
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { type DnsOwner, type ForeignRecord, ownershipName, parseOwnershipValue } from '@berth/core';
import { route53Name } from './route53-names.js';

export const HOST_RECORD_TYPES: readonly string[] = ['CNAME', 'A', 'AAAA'];

export interface RemovalPlan {
  /** Per host, the DELETEs of its records and its ownership TXT (empty: nothing left). */
  deletions: { host: string; changes: Change[] }[];
  /** Hosts left alone. */
  foreign: ForeignRecord[];
}

export function planRemoval(
  owner: DnsOwner,
  hosts: readonly string[],
  records: readonly ResourceRecordSet[],
): RemovalPlan {
  const byName = new Map<string, ResourceRecordSet[]>();
  for (const record of records) {
    const name = route53Name(record.Name ?? '');
    byName.set(name, [...(byName.get(name) ?? []), record]);
  }
  const plan: RemovalPlan = { deletions: [], foreign: [] };
  for (const host of hosts) {
    const hostSets = (byName.get(route53Name(host)) ?? []).filter((r) =>
      HOST_RECORD_TYPES.includes(r.Type ?? ''),
    );
    const proof = (byName.get(route53Name(ownershipName(host))) ?? []).find(
      (r) => r.Type === 'TXT',
    );
    if (!proof && hostSets.length === 0) continue; // already gone
    const claimed = proof && ownerOf(proof);
    if (!proof || !claimed) {
      // No Berth mark (or someone else's TXT at our name): not provably ours.
      plan.foreign.push({ host });
      continue;
    }
    // A mark naming no environment (never Berth's own writing) is removed by the reconciler as
    // the owner '' (an orphan nobody claims).
    if ((claimed.environmentId ?? '') !== owner.environmentId) {
      plan.foreign.push({ host, owner: claimed });
      continue;
    }
    plan.deletions.push({
      host,
      changes: [...hostSets, proof].map((ResourceRecordSet) => ({
        Action: 'DELETE',
        ResourceRecordSet,
      })),
    });
  }
  return plan;
}

/** The owner a TXT record set names, if any of its values is Berth's. */
export function ownerOf(txt: ResourceRecordSet): Partial<DnsOwner> | undefined {
  for (const { Value } of txt.ResourceRecords ?? []) {
    const parsed = parseOwnershipValue(Value ?? '');
    if (parsed) return parsed;
  }
  return undefined;
}
