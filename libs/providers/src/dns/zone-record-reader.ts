// Reads a zone's record sets for `remove` and `inventory`. Route 53 has no "get these names"
// call, and every ListResourceRecordSets counts against the account's rate limit, so lookups from
// callers asking at about the same time are answered by one shared walk: each page (up to 300
// record sets) answers every name it contains, and only names still unseen start another page.
import type {
  ListResourceRecordSetsCommandInput,
  ListResourceRecordSetsCommandOutput,
  ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { listingKey, recordSetKey, route53Name } from './route53-names.js';

export type ListPage = (
  input: Omit<ListResourceRecordSetsCommandInput, 'HostedZoneId'>,
) => Promise<ListResourceRecordSetsCommandOutput>;

export interface ZoneRecordReaderOptions {
  list: ListPage;
  /** How long a lookup waits for others to share its walk. */
  windowMs: number;
  /** ListResourceRecordSets' maximum page. */
  pageSize?: number;
}

interface Lookup {
  names: Set<string>;
  resolve(records: ResourceRecordSet[]): void;
  reject(error: unknown): void;
}

export class ZoneRecordReader {
  private waiting: Lookup[] = [];
  private timer: NodeJS.Timeout | undefined;
  private walking = false;
  private readonly pageSize: number;

  constructor(private readonly options: ZoneRecordReaderOptions) {
    this.pageSize = options.pageSize ?? 300;
  }

  /** The record sets (any type) at these names, as Route 53 returns them. */
  lookup(names: readonly string[]): Promise<ResourceRecordSet[]> {
    if (names.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ names: new Set(names.map(route53Name)), resolve, reject });
      this.schedule();
    });
  }

  /** Every record set of the zone, in listing order. */
  async all(): Promise<ResourceRecordSet[]> {
    const records: ResourceRecordSet[] = [];
    let cursor: Omit<ListResourceRecordSetsCommandInput, 'HostedZoneId'> = {};
    for (;;) {
      const page = await this.options.list({ ...cursor, MaxItems: this.pageSize });
      records.push(...(page.ResourceRecordSets ?? []));
      if (!page.IsTruncated) return records;
      cursor = nextCursor(page);
    }
  }

  private schedule(): void {
    if (this.walking || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.options.windowMs);
  }

  private async drain(): Promise<void> {
    this.walking = true;
    try {
      while (this.waiting.length > 0) {
        const lookups = this.waiting.splice(0);
        const wanted = new Set(lookups.flatMap((l) => [...l.names]));
        try {
          const found = await this.walk(wanted);
          for (const l of lookups) {
            l.resolve(found.filter((r) => l.names.has(route53Name(r.Name ?? ''))));
          }
        } catch (error) {
          for (const l of lookups) l.reject(error);
        }
      }
    } finally {
      this.walking = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }

  /**
   * A name is settled by a page that starts at it (its record sets lead that page, or it has
   * none) or by a page that shows it whole. Absence is never concluded from the sort order, so a
   * name the order puts elsewhere than Route 53 does costs a request, never a wrong answer.
   */
  private async walk(wanted: Set<string>): Promise<ResourceRecordSet[]> {
    const found = new Map<string, ResourceRecordSet>();
    const settled = new Set<string>();
    const started = new Set<string>();
    const order = [...wanted].sort((a, b) => (listingKey(a) < listingKey(b) ? -1 : 1));
    for (let start = order[0]; start !== undefined; start = order.find((n) => !settled.has(n))) {
      started.add(start);
      settled.add(start);
      let cursor: Omit<ListResourceRecordSetsCommandInput, 'HostedZoneId'> = {
        StartRecordName: start,
      };
      for (;;) {
        const page = await this.options.list({ ...cursor, MaxItems: this.pageSize });
        for (const record of page.ResourceRecordSets ?? []) {
          const name = route53Name(record.Name ?? '');
          if (!wanted.has(name)) continue;
          settled.add(name);
          found.set(recordSetKey(name, record.Type ?? '', record.SetIdentifier), record);
        }
        if (!page.IsTruncated) break;
        const next = route53Name(page.NextRecordName ?? '');
        // The start name continues on the next page: keep reading it.
        if (next === start) {
          cursor = nextCursor(page);
          continue;
        }
        // A name cut by the page end has more record sets: it gets a page of its own.
        if (wanted.has(next) && !started.has(next)) settled.delete(next);
        break;
      }
    }
    return [...found.values()];
  }
}

function nextCursor(
  page: ListResourceRecordSetsCommandOutput,
): Omit<ListResourceRecordSetsCommandInput, 'HostedZoneId'> {
  return {
    StartRecordName: page.NextRecordName,
    ...(page.NextRecordType ? { StartRecordType: page.NextRecordType } : {}),
    ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
  };
}
