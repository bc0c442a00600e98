// XML renderings of zones and changes, per the API reference's response syntax.
import type { ChangeRecord, HostedZone } from './state.js';
import type { XmlInput } from './xml.js';

export function hostedZoneXml(zone: HostedZone): Record<string, XmlInput> {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
    ResourceRecordSetCount: zone.records.size,
  };
}

export function delegationSetXml(zone: HostedZone): Record<string, XmlInput> | undefined {
  // Private zones are not delegated: no name servers in the answer.
  return zone.privateZone ? undefined : { NameServers: { NameServer: zone.nameServers } };
}

export function changeInfoXml(
  change: ChangeRecord,
  status: 'PENDING' | 'INSYNC',
): Record<string, XmlInput> {
  return {
    Id: `/change/${change.id}`,
    Status: status,
    SubmittedAt: change.submittedAt.toISOString(),
    Comment: change.comment,
  };
}
