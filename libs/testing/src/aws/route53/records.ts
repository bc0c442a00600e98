// Resource record sets: reading one from request XML, writing one back, comparing two.
import { invalidInput } from './errors.js';
import { normalizeName } from './names.js';
import { child, members, text, type XmlInput, type XmlNode, type XmlValue } from './xml.js';

export const RECORD_TYPES = [
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
] as const;

/** Routing-policy elements, kept as sent and echoed back in the model's order. */
const ROUTING_BEFORE_TTL = ['Weight', 'Region', 'GeoLocation', 'Failover', 'MultiValueAnswer'];
const ROUTING_AFTER_ALIAS = [
  'HealthCheckId',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
];

export interface AliasTarget {
  hostedZoneId: string;
  dnsName: string;
  evaluateTargetHealth: boolean;
}

export interface RecordSet {
  /** Normalized (lowercase, trailing dot, escapes). */
  name: string;
  type: string;
  setIdentifier: string | undefined;
  ttl: number | undefined;
  values: string[];
  alias: AliasTarget | undefined;
  routing: Record<string, XmlValue>;
}

/** Identity of a record set within a zone. */
export const recordKey = (r: Pick<RecordSet, 'name' | 'type' | 'setIdentifier'>): string =>
  `${r.name}|${r.type}|${r.setIdentifier ?? ''}`;

/** `[name='x.example.com.', type='A']`, how Route 53 names a record set in messages. */
export function describeRecord(r: RecordSet): string {
  const id = r.setIdentifier !== undefined ? `, set-identifier='${r.setIdentifier}'` : '';
  return `[name='${r.name}', type='${r.type}'${id}]`;
}

export function parseRecordSet(node: XmlNode): RecordSet {
  const name = text(node, 'Name');
  const type = text(node, 'Type');
  if (!name) throw invalidInput('Invalid request: ResourceRecordSet is missing Name');
  if (!type || !(RECORD_TYPES as readonly string[]).includes(type)) {
    throw invalidInput(
      `Invalid XML ; cvc-enumeration-valid: Value '${type ?? ''}' is not facet-valid with respect to enumeration '[${RECORD_TYPES.join(', ')}]'. It must be a value from the enumeration.`,
    );
  }
  const ttlText = text(node, 'TTL');
  let ttl: number | undefined;
  if (ttlText !== undefined) {
    ttl = Number(ttlText);
    if (!/^\d+$/.test(ttlText) || ttl > 2147483647) {
      throw invalidInput(
        `Invalid XML ; cvc-datatype-valid: '${ttlText}' is not a valid value for TTL.`,
      );
    }
  }
  const aliasNode = child(node, 'AliasTarget');
  const routing: Record<string, XmlValue> = {};
  for (const element of [...ROUTING_BEFORE_TTL, ...ROUTING_AFTER_ALIAS]) {
    const value = node[element];
    if (value !== undefined) routing[element] = value;
  }
  const records = child(node, 'ResourceRecords');
  return {
    name: normalizeName(name),
    type,
    setIdentifier: text(node, 'SetIdentifier'),
    ttl,
    values: members(records, 'ResourceRecord').map((r) => text(r, 'Value') ?? ''),
    alias: aliasNode
      ? {
          hostedZoneId: text(aliasNode, 'HostedZoneId') ?? '',
          dnsName: normalizeName(text(aliasNode, 'DNSName') ?? ''),
          evaluateTargetHealth: text(aliasNode, 'EvaluateTargetHealth') === 'true',
        }
      : undefined,
    routing,
  };
}

/** The ResourceRecordSet element as ListResourceRecordSets returns it. */
export function recordSetXml(r: RecordSet): Record<string, XmlInput> {
  const pick = (elements: string[]): Record<string, XmlInput> =>
    Object.fromEntries(
      elements.filter((e) => r.routing[e] !== undefined).map((e) => [e, r.routing[e]]),
    );
  return {
    Name: r.name,
    Type: r.type,
    SetIdentifier: r.setIdentifier,
    ...pick(ROUTING_BEFORE_TTL),
    TTL: r.ttl,
    ResourceRecords: r.alias ? undefined : { ResourceRecord: r.values.map((Value) => ({ Value })) },
    AliasTarget: r.alias
      ? {
          HostedZoneId: r.alias.hostedZoneId,
          DNSName: r.alias.dnsName,
          EvaluateTargetHealth: r.alias.evaluateTargetHealth,
        }
      : undefined,
    ...pick(ROUTING_AFTER_ALIAS),
  };
}

/** Same record set, as DELETE requires ("the values provided do not match the current values"). */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  const canonical = (r: RecordSet): string =>
    JSON.stringify([
      r.name,
      r.type,
      r.setIdentifier ?? null,
      r.ttl ?? null,
      [...r.values].sort(),
      r.alias ?? null,
      Object.entries(r.routing).sort(([x], [y]) => (x < y ? -1 : 1)),
    ]);
  return canonical(a) === canonical(b);
}

export function copyRecord(r: RecordSet): RecordSet {
  return { ...r, values: [...r.values], alias: r.alias ? { ...r.alias } : undefined };
}
