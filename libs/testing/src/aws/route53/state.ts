// Hosted zones, their record sets, and submitted changes (PENDING until `insyncAfterMs` has
// passed, then INSYNC, like Route 53's propagation).
import { randomChars } from '../shared/http.js';
import { noSuchChange, noSuchHostedZone } from './errors.js';
import { normalizeName } from './names.js';
import { recordKey, type RecordSet } from './records.js';

export interface HostedZone {
  /** Bare id (`Z…`); the API shows it as `/hostedzone/Z…`. */
  id: string;
  name: string;
  callerReference: string;
  comment: string | undefined;
  privateZone: boolean;
  nameServers: string[];
  records: Map<string, RecordSet>;
}

export interface ChangeRecord {
  /** Bare id (`C…`); the API shows it as `/change/C…`. */
  id: string;
  submittedAt: Date;
  comment: string | undefined;
  /** Epoch ms from which GetChange answers INSYNC. */
  insyncAt: number;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class Route53State {
  readonly zones = new Map<string, HostedZone>();
  readonly changes = new Map<string, ChangeRecord>();

  constructor(
    private readonly insyncAfterMs: number,
    readonly now: () => number = Date.now,
  ) {}

  /** A new zone with the NS and SOA record sets Route 53 creates at the apex. */
  createZone(input: {
    name: string;
    callerReference: string;
    comment?: string;
    privateZone?: boolean;
  }): HostedZone {
    const name = normalizeName(input.name);
    const n = Math.floor(Math.random() * 2048);
    const nameServers = [
      `ns-${n}.awsdns-${pad(n % 64)}.com`,
      `ns-${(n + 512) % 2048}.awsdns-${pad((n + 1) % 64)}.net`,
      `ns-${(n + 1024) % 2048}.awsdns-${pad((n + 2) % 64)}.org`,
      `ns-${(n + 1536) % 2048}.awsdns-${pad((n + 3) % 64)}.co.uk`,
    ];
    const zone: HostedZone = {
      id: `Z${randomChars(20, ID_ALPHABET)}`,
      name,
      callerReference: input.callerReference,
      comment: input.comment,
      privateZone: input.privateZone ?? false,
      nameServers,
      records: new Map(),
    };
    const apex = (type: string, ttl: number, values: string[]): RecordSet => ({
      name,
      type,
      setIdentifier: undefined,
      ttl,
      values,
      alias: undefined,
      routing: {},
    });
    for (const record of [
      apex(
        'NS',
        172800,
        nameServers.map((ns) => `${ns}.`),
      ),
      apex('SOA', 900, [
        `${nameServers[0] ?? ''}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`,
      ]),
    ]) {
      zone.records.set(recordKey(record), record);
    }
    this.zones.set(zone.id, zone);
    return zone;
  }

  zone(id: string): HostedZone {
    const zone = this.zones.get(stripPrefix(id));
    if (!zone) throw noSuchHostedZone(stripPrefix(id));
    return zone;
  }

  recordChange(comment: string | undefined): ChangeRecord {
    const submitted = this.now();
    const change: ChangeRecord = {
      id: `C${randomChars(20, ID_ALPHABET)}`,
      submittedAt: new Date(submitted),
      comment,
      insyncAt: submitted + this.insyncAfterMs,
    };
    this.changes.set(change.id, change);
    return change;
  }

  change(id: string): ChangeRecord {
    const change = this.changes.get(stripPrefix(id));
    if (!change) throw noSuchChange(stripPrefix(id));
    return change;
  }

  status(change: ChangeRecord): 'PENDING' | 'INSYNC' {
    return this.now() >= change.insyncAt ? 'INSYNC' : 'PENDING';
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Ids may arrive as `/hostedzone/Z…` or `/change/C…` from clients that do not strip them. */
export const stripPrefix = (id: string): string =>
  id.replace(/^\/(hostedzone|change|delegationset)\//, '');
