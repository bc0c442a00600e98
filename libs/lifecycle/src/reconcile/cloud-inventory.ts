// The reconciler's view of the cloud providers (decision 0018, amended 2026-12-05): Route 53
// records guarded by Berth's ownership TXT and Secrets Manager secrets tagged
// `berth:managed=true`, listed through their drivers (paginated, filtered by the provider where
// it can), turned into the objects `reconcilePlan` compares with the ledger, and removed through
// the same drivers — so a Route 53 removal is batched per zone and retried on throttling exactly
// as teardown's is, and a record or secret goes only while its mark is still the one listed.

import type {
  DnsOwner,
  PreviewDns,
  PreviewScopes,
  ReconcileObject,
  ReconcileObjectKind,
} from '@berth/core';
import type { LedgerTarget, ReconcileQueries, ReconcileRow } from '@berth/db';

/** The ledger host DNS records are written under (expose stage). */
export const DNS_LEDGER_HOST = 'dns';
/** The ledger host Secrets Manager scopes are written under (PreviewSecrets). */
export const SECRETS_LEDGER_HOST = 'aws';

export interface CloudReconcile {
  /** Route 53 (DNS_PROVIDER=route53). */
  dns?: {
    driver: PreviewDns;
    /** Only hosts under this domain (BASE_DOMAIN): a zone may hold far more than previews. */
    domain?: string;
    /** Default `dns`; tests give theirs. */
    ledgerHost?: string;
  };
  /** Secrets Manager PR scopes (SECRET_BACKEND=aws). */
  secrets?: {
    driver: PreviewScopes;
    /** Only names under this prefix (PREVIEW_SECRET_PREFIX + `/`). */
    namePrefix?: string;
    /** Default `aws`; tests give theirs. */
    ledgerHost?: string;
  };
}

export interface CloudObservation {
  objects: ReconcileObject[];
  rows: ReconcileRow[];
  /** The kinds whose inventory was taken (their rows may be marked stale). */
  listed: ReconcileObjectKind[];
  /** Per preview host, the owner its ownership TXT names: what a removal re-checks. */
  dnsOwners: Map<string, DnsOwner>;
  counts: { dnsRecords: number; secrets: number };
  /** Listings that failed (a missing IAM permission, an outage): that kind is left alone this run. */
  errors: { kind: 'dns_record' | 'secret'; error: string }[];
}

export function cloudTarget(cloud: CloudReconcile, kind: 'dns_record' | 'secret'): LedgerTarget {
  if (kind === 'dns_record') {
    return {
      provider: cloud.dns?.driver.provider ?? 'route53',
      host: cloud.dns?.ledgerHost ?? DNS_LEDGER_HOST,
    };
  }
  return {
    provider: cloud.secrets?.driver.provider ?? 'secrets_aws',
    host: cloud.secrets?.ledgerHost ?? SECRETS_LEDGER_HOST,
  };
}

export async function observeCloud(
  cloud: CloudReconcile,
  queries: ReconcileQueries,
): Promise<CloudObservation> {
  const errors: CloudObservation['errors'] = [];
  const failed = (kind: 'dns_record' | 'secret') => (error: unknown) => {
    errors.push({ kind, error: error instanceof Error ? error.message : String(error) });
    return undefined;
  };
  // One provider failing must not stop the other, nor the Docker host's run.
  const [records, secrets] = await Promise.all([
    cloud.dns ? dnsObjects(cloud.dns).catch(failed('dns_record')) : undefined,
    cloud.secrets ? secretObjects(cloud.secrets).catch(failed('secret')) : undefined,
  ]);
  const objects = [...(records?.objects ?? []), ...(secrets ?? [])];
  const rows = (
    await Promise.all([
      records
        ? queries.cloudRows(
            cloudTarget(cloud, 'dns_record'),
            'dns_record',
            (records?.objects ?? []).map((o) => o.name),
          )
        : [],
      secrets
        ? queries.cloudRows(
            cloudTarget(cloud, 'secret'),
            'secret',
            (secrets ?? []).map((o) => o.name),
          )
        : [],
    ])
  ).flat();
  return {
    objects,
    rows,
    listed: [
      ...(records ? (['dns_record'] as const) : []),
      ...(secrets ? (['secret'] as const) : []),
    ],
    dnsOwners: records?.owners ?? new Map(),
    counts: { dnsRecords: records?.objects.length ?? 0, secrets: secrets?.length ?? 0 },
    errors,
  };
}

/** One object per preview host whose ownership TXT is Berth's (its records and the TXT go together). */
async function dnsObjects(
  dns: NonNullable<CloudReconcile['dns']>,
): Promise<{ objects: ReconcileObject[]; owners: Map<string, DnsOwner> }> {
  const domain = dns.domain?.toLowerCase().replace(/\.$/, '');
  const owners = new Map<string, DnsOwner>();
  for (const item of await dns.driver.inventory()) {
    const host = item.host.toLowerCase();
    if (domain && host !== domain && !host.endsWith(`.${domain}`)) continue;
    owners.set(host, {
      environmentId: item.environmentId ?? '',
      repository: item.repository ?? '',
    });
  }
  const objects = [...owners].map(([host, owner]): ReconcileObject => ({
    kind: 'dns_record',
    name: host,
    ...(owner.environmentId ? { envId: owner.environmentId } : {}),
    // Route 53 keeps no creation time: the ledger row, or the first sighting, times it.
  }));
  return { objects, owners };
}

async function secretObjects(
  secrets: NonNullable<CloudReconcile['secrets']>,
): Promise<ReconcileObject[]> {
  const items = await secrets.driver.inventory(
    secrets.namePrefix ? { namePrefix: secrets.namePrefix } : {},
  );
  // A secret scheduled for deletion is on its way out: not an object to remove, and its row is
  // stale (AWS will not give the name back until it is gone).
  return items
    .filter((item) => !item.deleting)
    .map((item): ReconcileObject => {
      const times = [item.createdAt, item.changedAt].filter((d): d is Date => d !== undefined);
      const touched = times.length > 0 ? Math.max(...times.map((d) => d.getTime())) : undefined;
      return {
        kind: 'secret',
        name: item.name,
        ...(item.environmentId ? { envId: item.environmentId } : {}),
        ...(touched !== undefined ? { createdAt: new Date(touched) } : {}),
      };
    });
}

/** Removes one listed record set or secret; already gone counts as removed. */
export async function removeCloudObject(
  cloud: CloudReconcile,
  seen: CloudObservation,
  kind: 'dns_record' | 'secret',
  name: string,
): Promise<void> {
  if (kind === 'secret') {
    if (!cloud.secrets) throw new Error('no Secrets Manager driver on this worker');
    await cloud.secrets.driver.remove(name);
    return;
  }
  if (!cloud.dns) throw new Error('no Route 53 driver on this worker');
  // The driver reads the TXT again and deletes only while it still names the owner listed
  // (DnsOwnershipError otherwise), batching with every other removal in flight.
  const owner = seen.dnsOwners.get(name) ?? { environmentId: '', repository: '' };
  await cloud.dns.driver.remove(owner, [name]);
}
