// The `maintenance` suite's cloud half of the reconciler mix (decision 0018, 2026-12-05): Route
// 53 records and Secrets Manager secrets behind the real drivers, on the AWS emulators (wire
// protocols on loopback, so every list and delete is a real HTTP round trip):
//   - SECRETS_LIVE secrets of live environments (two ListSecrets pages), recorded;
//   - 5 secrets of closed environments (their teardown crashed: rows left created) and 5 of an
//     environment that no longer exists, never recorded: 10 orphans;
//   - DNS_LIVE preview hosts of live environments, recorded, and 10 of closed environments whose
//     rows were left deleting: 10 orphans (each a CNAME and its ownership TXT), removed through
//     the driver's batching and throttling retries.
// Rows live on ledger hosts dns-<run> and aws-<run>; close() removes them and stops the emulators.
import { randomUUID } from 'node:crypto';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PrismaClient } from '@berth/db';
import type { CloudReconcile } from '@berth/lifecycle';
import { AwsPreviewScopes, Route53Dns } from '@berth/providers';
import { startRoute53Emulator, startSecretsManagerEmulator } from '@berth/testing';

const SECRETS_LIVE = 110;
const DNS_LIVE = 50;
const ORPHANS_EACH = 10;
/** Ledger rows the cloud half adds (the suite keeps its total at 1,000). */
export const CLOUD_ROWS = SECRETS_LIVE + ORPHANS_EACH / 2 + DNS_LIVE + ORPHANS_EACH;

export interface CloudSeed {
  reconcile: CloudReconcile;
  rows: number;
  objects: number;
  orphans: number;
  /** After the runs: orphans still in the emulators, and live objects kept. */
  check(): { orphansLeft: number; liveKept: number; liveExpected: number };
  close(): Promise<void>;
}

export async function seedReconcileCloud(input: {
  prisma: PrismaClient;
  run: string;
  repository: string;
  /** PR number → environment id. */
  envOf: Map<number, string>;
  livePrs: readonly number[];
  closedPrs: readonly number[];
}): Promise<CloudSeed> {
  const { prisma, run } = input;
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const r53 = await startRoute53Emulator();
  const sm = await startSecretsManagerEmulator();
  const route53 = new Route53Client({
    endpoint: r53.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  const secretsManager = new SecretsManagerClient({
    endpoint: sm.url,
    region: 'us-east-1',
    credentials,
  });
  const zone = `${run}.previews.example.com`;
  const zoneId = r53.createZone(zone);
  const dns = new Route53Dns({ client: route53, hostedZoneId: zoneId, target: { cname: 'gw' } });
  const scopes = new AwsPreviewScopes(secretsManager);
  const dnsHost = `dns-${run}`;
  const awsHost = `aws-${run}`;
  const id = (pr: number) => input.envOf.get(pr) ?? '';
  const pick = (prs: readonly number[], i: number) => prs[i % prs.length] ?? 0;
  const secretName = (pr: number, i: number) => `berth/preview/${input.repository}/pr-${pr}/g${i}`;
  const host = (pr: number, i: number) => `web${i}.pr-${pr}.${zone}`;
  const rows: {
    kind: 'secret' | 'dns_record';
    name: string;
    environmentId: string;
    state: 'created' | 'deleting';
  }[] = [];
  const write = (environmentId: string, name: string) =>
    scopes.write({ name, environmentId, repository: input.repository }, { DB_PASSWORD: 'x' });

  const live: { kind: 'secret' | 'dns'; name: string }[] = [];
  const orphans: { kind: 'secret' | 'dns'; name: string }[] = [];
  for (let i = 0; i < SECRETS_LIVE; i++) {
    const pr = pick(input.livePrs, i);
    const name = secretName(pr, i);
    await write(id(pr), name);
    rows.push({ kind: 'secret', name, environmentId: id(pr), state: 'created' });
    live.push({ kind: 'secret', name });
  }
  for (let i = 0; i < ORPHANS_EACH; i++) {
    const pr = pick(input.closedPrs, i);
    const name = secretName(pr, 1000 + i);
    if (i < ORPHANS_EACH / 2) {
      await write(id(pr), name);
      rows.push({ kind: 'secret', name, environmentId: id(pr), state: 'created' });
    } else {
      // An environment whose row was deleted: its scope was never recorded here either.
      await write(randomUUID(), name);
    }
    orphans.push({ kind: 'secret', name });
  }
  const publish = async (prs: readonly number[], count: number, state: 'created' | 'deleting') => {
    const byPr = new Map<number, string[]>();
    for (let i = 0; i < count; i++) {
      const pr = pick(prs, i);
      byPr.set(pr, [...(byPr.get(pr) ?? []), host(pr, i)]);
    }
    await Promise.all(
      [...byPr].map(([pr, hosts]) =>
        dns.publish({ environmentId: id(pr), repository: input.repository }, hosts),
      ),
    );
    for (const [pr, hosts] of byPr) {
      for (const name of hosts)
        rows.push({ kind: 'dns_record', name, environmentId: id(pr), state });
    }
    return [...byPr.values()].flat().map((name) => ({ kind: 'dns' as const, name }));
  };
  live.push(...(await publish(input.livePrs, DNS_LIVE, 'created')));
  orphans.push(...(await publish(input.closedPrs, ORPHANS_EACH, 'deleting')));
  await prisma.resource.createMany({
    data: rows.map((r) => ({
      kind: r.kind,
      provider: r.kind === 'secret' ? ('secrets_aws' as const) : ('route53' as const),
      host: r.kind === 'secret' ? awsHost : dnsHost,
      name: r.name,
      environmentId: r.environmentId,
      state: r.state,
    })),
  });

  const present = () => {
    const secrets = new Set(sm.secrets().flatMap((s) => (s.deleted ? [] : [s.name])));
    const records = new Set(
      r53
        .records(zoneId)
        .filter((r) => r.type === 'CNAME')
        .map((r) => r.name.replace(/\.$/, '')),
    );
    return (o: { kind: 'secret' | 'dns'; name: string }) =>
      o.kind === 'secret' ? secrets.has(o.name) : records.has(o.name);
  };
  return {
    reconcile: {
      dns: { driver: dns, domain: zone, ledgerHost: dnsHost },
      secrets: { driver: scopes, namePrefix: 'berth/preview/', ledgerHost: awsHost },
    },
    rows: rows.length,
    objects: live.length + orphans.length,
    orphans: orphans.length,
    check() {
      const has = present();
      return {
        orphansLeft: orphans.filter(has).length,
        liveKept: live.filter(has).length,
        liveExpected: live.length,
      };
    },
    async close() {
      await prisma.resource
        .deleteMany({ where: { host: { in: [dnsHost, awsHost] } } })
        .catch(() => 0);
      route53.destroy();
      secretsManager.destroy();
      await r53.close();
      await sm.close();
    },
  };
}
