// Paged listings: ListResourceRecordSets (name/type/identifier start, MaxItems up to 300) and
// ListHostedZonesByName / ListHostedZones, in the orders the API reference documents.
import { invalidInput } from './errors.js';
import { compareAscii, normalizeName, sortKey } from './names.js';
import { RECORD_TYPES, recordSetXml, type RecordSet } from './records.js';
import { hostedZoneXml } from './shapes.js';
import type { HostedZone } from './state.js';
import type { XmlInput } from './xml.js';

function maxItems(query: URLSearchParams, fallback: number): number {
  const raw = query.get('maxitems');
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw invalidInput(`Invalid value for parameter maxitems: ${raw}`);
  }
  return Number(raw);
}

/** Listing order: name with labels reversed, then type, then set identifier. */
export function compareRecords(a: RecordSet, b: RecordSet): number {
  return (
    compareAscii(sortKey(a.name), sortKey(b.name)) ||
    compareAscii(a.type, b.type) ||
    compareAscii(a.setIdentifier ?? '', b.setIdentifier ?? '')
  );
}

export function sortedRecords(zone: HostedZone): RecordSet[] {
  return [...zone.records.values()].sort(compareRecords);
}

export function listResourceRecordSets(
  zone: HostedZone,
  query: URLSearchParams,
): Record<string, XmlInput> {
  const name = query.get('name');
  const type = query.get('type');
  const identifier = query.get('identifier');
  if (type !== null && name === null) {
    throw invalidInput('The input is not valid: type requires name (StartRecordName).');
  }
  if (type !== null && !(RECORD_TYPES as readonly string[]).includes(type)) {
    throw invalidInput(`Invalid type: ${type}`);
  }
  const requested = maxItems(query, 300);
  const pageSize = Math.min(requested, 300); // more than 300 still answers 300
  const all = sortedRecords(zone);
  const startKey = name !== null ? sortKey(normalizeName(name)) : undefined;
  const start =
    startKey === undefined
      ? 0
      : all.findIndex((r) => {
          const byName = compareAscii(sortKey(r.name), startKey);
          if (byName !== 0 || type === null) return byName >= 0;
          const byType = compareAscii(r.type, type);
          if (byType !== 0 || identifier === null) return byType >= 0;
          return compareAscii(r.setIdentifier ?? '', identifier) >= 0;
        });
  const from = start === -1 ? all.length : start;
  const page = all.slice(from, from + pageSize);
  const next = all[from + pageSize];
  return {
    ResourceRecordSets: { ResourceRecordSet: page.map(recordSetXml) },
    IsTruncated: next !== undefined,
    NextRecordName: next?.name,
    NextRecordType: next?.type,
    NextRecordIdentifier: next?.setIdentifier,
    MaxItems: requested,
  };
}

export function listHostedZonesByName(
  zones: HostedZone[],
  query: URLSearchParams,
): Record<string, XmlInput> {
  const dnsName = query.get('dnsname');
  const zoneId = query.get('hostedzoneid');
  if (zoneId !== null && dnsName === null) {
    throw invalidInput('The input is not valid: hostedzoneid requires dnsname.');
  }
  const requested = maxItems(query, 100);
  const sorted = [...zones].sort(
    (a, b) => compareAscii(sortKey(a.name), sortKey(b.name)) || compareAscii(a.id, b.id),
  );
  const startKey = dnsName !== null ? sortKey(normalizeName(dnsName)) : undefined;
  const start =
    startKey === undefined
      ? 0
      : sorted.findIndex((z) => {
          const byName = compareAscii(sortKey(z.name), startKey);
          return (
            byName > 0 || (byName === 0 && (zoneId === null || compareAscii(z.id, zoneId) >= 0))
          );
        });
  const from = start === -1 ? sorted.length : start;
  const page = sorted.slice(from, from + Math.min(requested, 100));
  const next = sorted[from + page.length];
  return {
    HostedZones: { HostedZone: page.map(hostedZoneXml) },
    DNSName: dnsName ?? undefined,
    HostedZoneId: zoneId ?? undefined,
    IsTruncated: next !== undefined,
    NextDNSName: next?.name,
    NextHostedZoneId: next?.id,
    MaxItems: requested,
  };
}

/** ListHostedZones: creation order, `marker` is the id to start at. */
export function listHostedZones(
  zones: HostedZone[],
  query: URLSearchParams,
): Record<string, XmlInput> {
  const marker = query.get('marker');
  const requested = maxItems(query, 100);
  const start = marker === null ? 0 : zones.findIndex((z) => z.id === marker);
  if (start === -1) throw invalidInput(`Invalid marker: ${marker ?? ''}`);
  const page = zones.slice(start, start + Math.min(requested, 100));
  const next = zones[start + page.length];
  return {
    HostedZones: { HostedZone: page.map(hostedZoneXml) },
    Marker: marker ?? '',
    IsTruncated: next !== undefined,
    NextMarker: next?.id,
    MaxItems: requested,
  };
}
