// PreviewDns on Route 53 (DNS_PROVIDER=route53): one record per preview host pointing at the
// gateway, guarded by an ownership TXT. Changes from concurrent environments are coalesced per
// zone (ZoneChangeBatcher) and every call retries throttling with full-jitter backoff, because
// Route 53 allows few requests per second per account and one change at a time per zone.
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import {
  type BackoffPolicy,
  type DnsCheck,
  type DnsInventoryItem,
  type DnsOwner,
  DnsOwnershipError,
  hostOfOwnershipName,
  normalizeDnsHost,
  ownershipName,
  ownershipValue,
  type PreviewDns,
  type PublishedRecord,
  splitIntoBatches,
} from '@berth/core';
import { ChangeSyncWaiter } from './change-sync-waiter.js';
import type { DnsLogger } from './dns-logger.js';
import {
  gatewayRecords,
  type GatewayTarget,
  type HostRecord,
  publishChanges,
} from './gateway-records.js';
import { HOST_RECORD_TYPES, ownerOf, planRemoval } from './removal-plan.js';
import { plainName, route53Name } from './route53-names.js';
import {
  DEFAULT_RETRY_POLICY,
  isBatchRejection,
  type RetryPolicy,
  withRetries,
} from './route53-retry.js';
import { toBatchChange, ZoneChangeBatcher } from './zone-change-batcher.js';
import { ZoneRecordReader } from './zone-record-reader.js';

export interface Route53DnsOptions {
  /** The caller's client: region, credentials and endpoint come from the SDK's own settings. */
  client: Route53Client;
  /** ROUTE53_HOSTED_ZONE_ID: the zone holding BASE_DOMAIN (`Z…` or `/hostedzone/Z…`). */
  hostedZoneId: string;
  /** Where preview hosts point: the gateway's DNS name, or its addresses. */
  target: GatewayTarget;
  /** Record TTL in seconds; default 60 (previews come and go). */
  ttl?: number;
  /** How long a change waits for others to share its request; default 100 ms. */
  batchWindowMs?: number;
  /** Attempts per API call for throttling, PriorRequestNotComplete, 5xx and network errors; default 12. */
  maxAttempts?: number;
  /** Retry waits (full jitter); default base 200 ms, cap 10 s. */
  backoff?: BackoffPolicy;
  /** `waitInsync` polling: default every 1–10 s, giving up after 5 minutes. */
  insync?: { pollMs?: number; pollCapMs?: number; timeoutMs?: number };
  /** BASE_DOMAIN, so `check` can confirm the zone holds it. */
  baseDomain?: string;
  logger?: DnsLogger;
}

/** Re-reading and retrying a removal whose records changed between read and DELETE. */
const REMOVE_ROUNDS = 3;
/** The start-up check should answer soon, not retry for a minute. */
const CHECK_ATTEMPTS = 3;

export class Route53Dns implements PreviewDns {
  readonly provider = 'route53' as const;
  private readonly zoneId: string;
  private readonly records: HostRecord[];
  private readonly ttl: number;
  private readonly retry: RetryPolicy;
  private readonly batcher: ZoneChangeBatcher;
  private readonly reader: ZoneRecordReader;
  private readonly sync: ChangeSyncWaiter;

  constructor(private readonly options: Route53DnsOptions) {
    this.zoneId = options.hostedZoneId.replace(/^\/?hostedzone\//, '');
    this.records = gatewayRecords(options.target);
    this.ttl = options.ttl ?? 60;
    this.retry = {
      ...DEFAULT_RETRY_POLICY,
      ...options.backoff,
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    };
    const windowMs = options.batchWindowMs ?? 100;
    this.batcher = new ZoneChangeBatcher({
      windowMs,
      ...(options.logger ? { logger: options.logger } : {}),
      send: async (changes, comment) => {
        const out = await this.call('ChangeResourceRecordSets', () =>
          options.client.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: this.zoneId,
              ChangeBatch: { Comment: comment, Changes: changes },
            }),
          ),
        );
        if (!out.ChangeInfo) throw new Error('Route 53 answered a change without ChangeInfo');
        return out.ChangeInfo;
      },
    });
    this.reader = new ZoneRecordReader({
      windowMs,
      list: (input) =>
        this.call('ListResourceRecordSets', () =>
          options.client.send(
            new ListResourceRecordSetsCommand({ ...input, HostedZoneId: this.zoneId }),
          ),
        ),
    });
    this.sync = new ChangeSyncWaiter({
      poll: { baseMs: options.insync?.pollMs ?? 1000, capMs: options.insync?.pollCapMs ?? 10_000 },
      timeoutMs: options.insync?.timeoutMs ?? 300_000,
      status: async (id) => {
        const out = await this.call('GetChange', () =>
          options.client.send(new GetChangeCommand({ Id: id })),
        );
        return out.ChangeInfo?.Status;
      },
    });
  }

  /** ChangeBatches sent so far (a rejected batch's splits included, its retries not). */
  get changeRequests(): number {
    return this.batcher.requests;
  }

  async publish(
    owner: DnsOwner,
    hosts: readonly string[],
    options: { waitInsync?: boolean } = {},
  ): Promise<PublishedRecord[]> {
    const unique = uniqueHosts(hosts);
    if (unique.length === 0) return [];
    const proof = ownershipValue(owner);
    const units = unique.map((host) => ({
      host,
      changes: publishChanges(host, this.records, proof, this.ttl),
    }));
    const applied = await Promise.all(
      this.chunks(units).map(async (chunk) => ({
        chunk,
        info: await this.batcher.submit(chunk.flatMap((u) => u.changes)),
      })),
    );
    if (options.waitInsync) {
      const ids = new Set(applied.map(({ info }) => info.Id ?? ''));
      await Promise.all([...ids].filter(Boolean).map((id) => this.sync.wait(id)));
    }
    return applied.flatMap(({ chunk, info }) =>
      chunk.flatMap(({ host }) =>
        this.records.map((r): PublishedRecord => ({
          host,
          type: r.type,
          ownership: ownershipName(host),
          ...(info.Id ? { changeId: bareChangeId(info.Id) } : {}),
        })),
      ),
    );
  }

  async remove(owner: DnsOwner, hosts: readonly string[]): Promise<void> {
    const unique = uniqueHosts(hosts);
    if (unique.length === 0) return;
    const names = unique.flatMap((host) => [host, ownershipName(host)]);
    for (let round = 1; ; round += 1) {
      const plan = planRemoval(owner, unique, await this.reader.lookup(names));
      try {
        await Promise.all(
          this.chunks(plan.deletions).map((chunk) =>
            this.batcher.submit(chunk.flatMap((d) => d.changes)),
          ),
        );
      } catch (error) {
        // The records changed after they were read (or went): read them again.
        if (!isBatchRejection(error) || round >= REMOVE_ROUNDS) throw error;
        this.options.logger?.debug(
          `Route 53: records of ${unique.join(', ')} changed while being removed; reading them again (${error.message})`,
        );
        continue;
      }
      if (plan.foreign.length > 0) throw new DnsOwnershipError(owner, plan.foreign);
      return;
    }
  }

  async inventory(): Promise<DnsInventoryItem[]> {
    const all = await this.reader.all();
    const byName = new Map<string, typeof all>();
    for (const record of all) {
      const name = route53Name(record.Name ?? '');
      byName.set(name, [...(byName.get(name) ?? []), record]);
    }
    const items: DnsInventoryItem[] = [];
    for (const record of all) {
      if (record.Type !== 'TXT') continue;
      const ownership = plainName(record.Name ?? '');
      const host = hostOfOwnershipName(ownership);
      const owner = host !== undefined ? ownerOf(record) : undefined;
      if (host === undefined || !owner) continue;
      const guarded = (byName.get(route53Name(host)) ?? []).filter((r) =>
        HOST_RECORD_TYPES.includes(r.Type ?? ''),
      );
      for (const type of guarded.length > 0 ? guarded.map((r) => r.Type ?? '') : ['TXT']) {
        items.push({ host, type, ...owner, ownershipName: ownership });
      }
    }
    return items;
  }

  async check(): Promise<DnsCheck> {
    let zoneName: string;
    try {
      const out = await this.call(
        'GetHostedZone',
        () => this.options.client.send(new GetHostedZoneCommand({ Id: this.zoneId })),
        CHECK_ATTEMPTS,
      );
      zoneName = plainName(out.HostedZone?.Name ?? '');
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return {
        ok: false,
        message: `Route 53 hosted zone ${this.zoneId} is not reachable (${why}). Set ROUTE53_HOSTED_ZONE_ID to the id of the public hosted zone that holds BASE_DOMAIN, and allow Berth's AWS identity route53:ChangeResourceRecordSets, route53:ListResourceRecordSets, route53:GetChange and route53:GetHostedZone on it.`,
      };
    }
    const base = this.options.baseDomain ? normalizeDnsHost(this.options.baseDomain) : undefined;
    if (base !== undefined && base !== zoneName && !base.endsWith(`.${zoneName}`)) {
      return {
        ok: false,
        message: `Route 53 hosted zone ${this.zoneId} is ${zoneName}, which does not hold BASE_DOMAIN ${base}: set ROUTE53_HOSTED_ZONE_ID to the zone for ${base} (or one of its parents).`,
      };
    }
    return { ok: true, message: `Route 53 hosted zone ${zoneName} (${this.zoneId}) is reachable` };
  }

  /** A caller's hosts in as few whole-host pieces as the per-request quotas allow (usually one). */
  private chunks<T extends { changes: Change[] }>(units: T[]): T[][] {
    return splitIntoBatches(units, (u) => u.changes.map(toBatchChange));
  }

  private call<T>(
    operation: string,
    task: () => Promise<T>,
    maxAttempts = this.retry.maxAttempts,
  ): Promise<T> {
    return withRetries(task, { ...this.retry, maxAttempts }, ({ attempt, error, waitMs }) => {
      const name = error instanceof Error ? error.name : 'error';
      this.options.logger?.debug(
        `Route 53 ${operation} attempt ${attempt} failed (${name}); retrying in ${waitMs} ms`,
      );
    });
  }
}

function uniqueHosts(hosts: readonly string[]): string[] {
  return [...new Set(hosts.map(normalizeDnsHost))];
}

/** `/change/C…` → `C…`, the id the ledger keeps. */
function bareChangeId(id: string): string {
  return id.replace(/^\/?change\//, '');
}
