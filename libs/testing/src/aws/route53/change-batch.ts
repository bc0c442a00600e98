// ChangeResourceRecordSets' batch semantics: every change is checked in order against the zone
// as the earlier changes left it; any failure rejects the whole batch (InvalidChangeBatch with
// every message), otherwise all changes apply at once.
import { invalidChangeBatch, invalidInput, Route53Error } from './errors.js';
import { isWithinZone } from './names.js';
import {
  copyRecord,
  describeRecord,
  parseRecordSet,
  recordKey,
  sameRecordSet,
  type RecordSet,
} from './records.js';
import type { HostedZone } from './state.js';
import { validateValues } from './values.js';
import { child, members, text, type XmlNode } from './xml.js';

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

export interface ParsedChange {
  action: ChangeAction;
  record: RecordSet;
}

/** Documented quotas: 1,000 ResourceRecord elements (UPSERT counts twice), 32,000 value characters. */
const MAX_RECORDS = 1000;
const MAX_VALUE_CHARS = 32000;

export function parseChangeBatch(
  root: string,
  node: XmlNode,
): { comment?: string; changes: ParsedChange[] } {
  if (root !== 'ChangeResourceRecordSetsRequest') {
    throw new Route53Error(
      'MalformedInput',
      `${root} is not valid, expected ChangeResourceRecordSetsRequest`,
    );
  }
  const batch = child(node, 'ChangeBatch');
  if (!batch) {
    throw invalidInput(
      "Invalid XML ; cvc-complex-type.2.4.b: The content of element 'ChangeResourceRecordSetsRequest' is not complete. One of '{ChangeBatch}' is expected.",
    );
  }
  const changeNodes = members(child(batch, 'Changes'), 'Change');
  if (changeNodes.length === 0) {
    throw invalidInput(
      "Invalid XML ; cvc-complex-type.2.4.b: The content of element 'Changes' is not complete. One of '{Change}' is expected.",
    );
  }
  const changes = changeNodes.map((change): ParsedChange => {
    const action = text(change, 'Action');
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
      throw invalidInput(
        `Invalid XML ; cvc-enumeration-valid: Value '${action ?? ''}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.`,
      );
    }
    const recordNode = child(change, 'ResourceRecordSet');
    if (!recordNode) throw invalidInput('Invalid request: Change is missing ResourceRecordSet');
    const record = parseRecordSet(recordNode);
    const hasRecords = record.ttl !== undefined && recordNode.ResourceRecords !== undefined;
    const hasTrafficPolicy = record.routing.TrafficPolicyInstanceId !== undefined;
    if ([record.alias !== undefined, hasRecords, hasTrafficPolicy].filter(Boolean).length !== 1) {
      throw invalidInput(
        `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${record.alias || hasRecords || hasTrafficPolicy ? 'more than one' : 'none'} in Change with [Action=${action}, Name=${record.name}, Type=${record.type}, SetIdentifier=${record.setIdentifier ?? 'null'}]`,
      );
    }
    return { action, record };
  });
  const comment = text(batch, 'Comment');
  return { ...(comment !== undefined ? { comment } : {}), changes };
}

/** Validates the batch against `zone` and applies it, all or nothing. */
export function applyChangeBatch(zone: HostedZone, changes: ParsedChange[]): void {
  checkQuotas(changes);
  const messages = [...checkChangeSequences(changes)];
  const working = new Map([...zone.records].map(([k, r]) => [k, copyRecord(r)]));
  for (const change of changes) messages.push(...applyOne(zone, working, change));
  if (messages.length > 0) throw invalidChangeBatch(messages);
  zone.records.clear();
  for (const [key, record] of working) zone.records.set(key, record);
}

function checkQuotas(changes: ParsedChange[]): void {
  const records = changes.reduce(
    (sum, c) => sum + c.record.values.length * (c.action === 'UPSERT' ? 2 : 1),
    0,
  );
  if (changes.length > MAX_RECORDS || records > MAX_RECORDS) {
    throw invalidChangeBatch([`Number of records limit of ${MAX_RECORDS} exceeded.`]);
  }
  const chars = changes.reduce((sum, c) => sum + c.record.values.join('').length, 0);
  if (chars > MAX_VALUE_CHARS) {
    throw invalidChangeBatch([`Number of characters limit of ${MAX_VALUE_CHARS} exceeded.`]);
  }
}

/** One change per record set, except the classic DELETE-then-CREATE replacement. */
function checkChangeSequences(changes: ParsedChange[]): string[] {
  const byKey = new Map<string, { actions: ChangeAction[]; record: RecordSet }>();
  for (const { action, record } of changes) {
    const entry = byKey.get(recordKey(record)) ?? { actions: [], record };
    entry.actions.push(action);
    byKey.set(recordKey(record), entry);
  }
  return [...byKey.values()]
    .filter(({ actions }) => actions.length > 1 && actions.join() !== 'DELETE,CREATE')
    .map(
      ({ record }) =>
        `The request contains an invalid set of changes for a resource record set '${record.type} ${record.name}'`,
    );
}

function applyOne(
  zone: HostedZone,
  working: Map<string, RecordSet>,
  change: ParsedChange,
): string[] {
  const { action, record } = change;
  const key = recordKey(record);
  const existing = working.get(key);
  if (!isWithinZone(record.name, zone.name)) {
    return [`RRSet with DNS name ${record.name} is not permitted in zone ${zone.name}`];
  }
  if (action === 'DELETE') {
    if (!existing)
      return [`Tried to delete resource record set ${describeRecord(record)} but it was not found`];
    if (!sameRecordSet(existing, record)) {
      return [
        `Tried to delete resource record set ${describeRecord(record)} but the values provided do not match the current values`,
      ];
    }
    if (record.name === zone.name && record.type === 'SOA')
      return ['A HostedZone must contain exactly one SOA record.'];
    if (record.name === zone.name && record.type === 'NS') {
      return ['A HostedZone must contain at least one NS record for the zone itself.'];
    }
    working.delete(key);
    return [];
  }
  if (action === 'CREATE' && existing) {
    return [`Tried to create resource record set ${describeRecord(record)} but it already exists`];
  }
  const problems = [...validateValues(record), ...conflicts(zone, working, record)];
  if (problems.length === 0) working.set(key, record);
  return problems;
}

/** A CNAME owns its name: no other type may share it (and it cannot sit at the apex). */
function conflicts(zone: HostedZone, working: Map<string, RecordSet>, record: RecordSet): string[] {
  const sameName = [...working.values()].filter((r) => r.name === record.name);
  if (record.type === 'CNAME') {
    if (record.name === zone.name) {
      return [
        `RRSet of type CNAME with DNS name ${record.name} is not permitted at apex in zone ${zone.name}`,
      ];
    }
    if (sameName.some((r) => r.type !== 'CNAME')) {
      return [
        `RRSet of type CNAME with DNS name ${record.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
      ];
    }
    return [];
  }
  if (sameName.some((r) => r.type === 'CNAME')) {
    return [
      `RRSet of type ${record.type} with DNS name ${record.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone.name}`,
    ];
  }
  return [];
}
