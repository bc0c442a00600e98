// The port for preview hostnames in DNS (`web.pr-7-shop-0a1b2c3d4e.previews.example.com`). Two
// drivers (@berth/providers): Route53Dns writes one record per host, WildcardDns relies on the
// operator's `*.BASE_DOMAIN` record and writes nothing.

/** Who a record belongs to: written into its ownership TXT, checked before it is removed. */
export interface DnsOwner {
  environmentId: string;
  /** `owner/name`. */
  repository: string;
}

export interface PublishedRecord {
  host: string;
  type: 'CNAME' | 'A' | 'AAAA';
  /** The ownership TXT record's name, e.g. `_berth.web.pr-7-….example.com`. */
  ownership: string;
  /** The provider's change id (Route 53 `C…`), for the ledger. */
  changeId?: string;
}

/** A record under Berth's ownership mark, for the reconciler. */
export interface DnsInventoryItem {
  host: string;
  /** The guarded record's type (`CNAME`, `A`, `AAAA`), or `TXT` when only the ownership record is left. */
  type: string;
  environmentId?: string;
  repository?: string;
  ownershipName: string;
}

export interface DnsCheck {
  ok: boolean;
  /** What was checked, or what the operator has to fix. */
  message: string;
}

export interface PreviewDns {
  /** The ledger's provider for rows of this driver. */
  readonly provider: 'route53' | 'dns_wildcard';
  /** Records for these hosts point at the gateway, with ownership proof. Idempotent (UPSERT). */
  publish(
    owner: DnsOwner,
    hosts: readonly string[],
    options?: { waitInsync?: boolean },
  ): Promise<PublishedRecord[]>;
  /**
   * Removes the records of these hosts that this owner owns (checked via the ownership TXT); a
   * record already gone counts as removed; a record owned by someone else is left alone and
   * reported in the error (DnsOwnershipError).
   */
  remove(owner: DnsOwner, hosts: readonly string[]): Promise<void>;
  /** Every record carrying Berth's ownership mark (for the reconciler). */
  inventory(): Promise<DnsInventoryItem[]>;
  /** Start-up check: wildcard resolves / zone reachable; the message says what to fix. */
  check(): Promise<DnsCheck>;
}
