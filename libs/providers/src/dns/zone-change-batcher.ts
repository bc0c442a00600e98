// One zone's change queue. Route 53 applies changes to a zone one request at a time (a second
// ChangeResourceRecordSets meanwhile answers PriorRequestNotComplete) and allows few requests per
// second per account, so the changes of many environments publishing or removing at once are
// coalesced: collected for a short window, sent as one ChangeBatch (split only by the documented
// quotas), one request in flight per zone, each caller answered when its own changes applied.
import type { Change, ChangeInfo } from '@aws-sdk/client-route-53';
import {
  type BatchChange,
  type ChangeBatchLimits,
  changeWeight,
  fitsLimits,
  ROUTE53_BATCH_LIMITS,
  splitIntoBatches,
} from '@berth/core';
import type { DnsLogger } from './dns-logger.js';
import { mentionsName, recordSetKey, route53Name } from './route53-names.js';
import { isBatchRejection } from './route53-retry.js';

export interface ZoneChangeBatcherOptions {
  /** Sends one ChangeResourceRecordSets (retrying what is worth retrying); answers its ChangeInfo. */
  send(changes: Change[], comment: string): Promise<ChangeInfo>;
  /** How long the first change waits for company before its batch leaves. */
  windowMs: number;
  limits?: Readonly<ChangeBatchLimits>;
  logger?: DnsLogger;
}

/** One caller's changes: applied together or refused together. */
interface Submission {
  changes: Change[];
  quota: BatchChange[];
  names: string[];
  resolve(info: ChangeInfo): void;
  reject(error: unknown): void;
}

export class ZoneChangeBatcher {
  private waiting: Submission[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  private readonly limits: Readonly<ChangeBatchLimits>;
  private sent = 0;

  constructor(private readonly options: ZoneChangeBatcherOptions) {
    this.limits = options.limits ?? ROUTE53_BATCH_LIMITS;
  }

  /** Batches sent (splits after a rejection included; retries of one batch not), for logs. */
  get requests(): number {
    return this.sent;
  }

  /** Resolves with the ChangeInfo of the request that applied `changes`, or rejects with its error. */
  submit(changes: readonly Change[]): Promise<ChangeInfo> {
    const quota = changes.map(toBatchChange);
    if (changes.length === 0) return Promise.reject(new RangeError('no DNS changes to submit'));
    const weight = changeWeight(quota);
    if (!fitsLimits(weight, this.limits)) {
      return Promise.reject(
        new RangeError(
          `${weight.changes} DNS changes (${weight.records} records, ${weight.valueChars} value characters) exceed what one Route 53 request may carry (${this.limits.records} records, ${this.limits.valueChars} characters): split them`,
        ),
      );
    }
    return new Promise<ChangeInfo>((resolve, reject) => {
      this.waiting.push({
        changes: [...changes],
        quota,
        names: [...new Set(changes.map((c) => route53Name(c.ResourceRecordSet?.Name ?? '')))],
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.draining || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.options.windowMs);
  }

  /** Sends what waits, batch after batch; what arrives meanwhile joins the next batch. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        // Re-split each time, so later arrivals fill the batch a split left short.
        const [first = []] = splitIntoBatches(this.waiting, (s) => s.quota, this.limits);
        this.waiting.splice(0, first.length);
        await this.apply(first);
      }
    } finally {
      this.draining = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }

  /**
   * Sends the submissions as one request. When Route 53 rejects the batch's content, the callers
   * its message names are tried alone and the rest together again (halving when the message
   * names nobody or everybody), so one caller's bad change fails only that caller.
   */
  private async apply(batch: Submission[]): Promise<void> {
    let info: ChangeInfo;
    try {
      this.sent += 1;
      const changes = batch.flatMap((s) => s.changes);
      this.options.logger?.debug(
        `Route 53: sending ${changes.length} changes from ${batch.length} callers in one batch`,
      );
      info = await this.options.send(changes, `Berth: ${changes.length} changes`);
    } catch (error) {
      if (!isBatchRejection(error) || batch.length === 1) {
        for (const s of batch) s.reject(error);
        return;
      }
      const text = rejectionText(error);
      const named = batch.filter((s) => s.names.some((n) => mentionsName(text, n)));
      if (named.length > 0 && named.length < batch.length) {
        await this.apply(batch.filter((s) => !named.includes(s)));
        for (const s of named) await this.apply([s]);
      } else {
        const half = Math.ceil(batch.length / 2);
        await this.apply(batch.slice(0, half));
        await this.apply(batch.slice(half));
      }
      return;
    }
    for (const s of batch) s.resolve(info);
  }
}

/** What Route 53's per-request quotas count in a change. */
export function toBatchChange(change: Change): BatchChange {
  const set = change.ResourceRecordSet;
  return {
    action: change.Action ?? 'UPSERT',
    key: recordSetKey(set?.Name ?? '', set?.Type ?? '', set?.SetIdentifier),
    values: (set?.ResourceRecords ?? []).map((r) => r.Value ?? ''),
  };
}

/** The message plus the SDK's `messages` list (InvalidChangeBatch carries one per problem). */
function rejectionText(error: Error): string {
  const messages = (error as { messages?: unknown }).messages;
  return [error.message, ...(Array.isArray(messages) ? messages.map(String) : [])].join(' ');
}
