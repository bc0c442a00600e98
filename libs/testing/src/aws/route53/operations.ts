// Route 53's REST routes (API 2013-04-01) and their handlers.
import { randomUUID } from 'node:crypto';
import { applyChangeBatch, parseChangeBatch } from './change-batch.js';
import {
  hostedZoneAlreadyExists,
  hostedZoneNotEmpty,
  invalidInput,
  Route53Error,
} from './errors.js';
import { listHostedZones, listHostedZonesByName, listResourceRecordSets } from './listing.js';
import { isValidDomainName } from './names.js';
import { changeInfoXml, delegationSetXml, hostedZoneXml } from './shapes.js';
import type { Route53State } from './state.js';
import { child, parseXml, text, type XmlInput } from './xml.js';

export interface Route53Request {
  params: string[];
  query: URLSearchParams;
  body: string;
}

export interface Route53Response {
  status: number;
  /** Response document: root element name and content. */
  root: string;
  content: Record<string, XmlInput>;
  headers?: Record<string, string>;
}

export interface Route53Route {
  operation: string;
  method: string;
  pattern: RegExp;
  handle(state: Route53State, request: Route53Request): Route53Response;
}

const V = '/2013-04-01';
const ok = (root: string, content: Record<string, XmlInput>): Route53Response => ({
  status: 200,
  root,
  content,
});

export const ROUTES: Route53Route[] = [
  {
    operation: 'CreateHostedZone',
    method: 'POST',
    pattern: new RegExp(`^${V}/hostedzone/?$`),
    handle: (state, { body }) => {
      const { root, node } = parseXml(body);
      if (root !== 'CreateHostedZoneRequest') {
        throw new Route53Error(
          'MalformedInput',
          `${root} is not valid, expected CreateHostedZoneRequest`,
        );
      }
      const name = text(node, 'Name');
      const callerReference = text(node, 'CallerReference');
      if (!name || !callerReference)
        throw invalidInput('Invalid request: Name and CallerReference are required');
      if (!isValidDomainName(name)) {
        throw new Route53Error('InvalidDomainName', `${name} is not a valid domain name.`);
      }
      if ([...state.zones.values()].some((z) => z.callerReference === callerReference)) {
        throw hostedZoneAlreadyExists(callerReference);
      }
      const config = child(node, 'HostedZoneConfig');
      const zone = state.createZone({
        name,
        callerReference,
        ...(config && text(config, 'Comment') !== undefined
          ? { comment: text(config, 'Comment') }
          : {}),
        privateZone:
          node.VPC !== undefined || (config ? text(config, 'PrivateZone') === 'true' : false),
      });
      const change = state.recordChange(undefined);
      return {
        status: 201,
        root: 'CreateHostedZoneResponse',
        content: {
          HostedZone: hostedZoneXml(zone),
          ChangeInfo: changeInfoXml(change, 'PENDING'),
          DelegationSet: delegationSetXml(zone),
        },
        headers: { location: `https://route53.amazonaws.com${V}/hostedzone/${zone.id}` },
      };
    },
  },
  {
    operation: 'ListHostedZones',
    method: 'GET',
    pattern: new RegExp(`^${V}/hostedzone/?$`),
    handle: (state, { query }) =>
      ok('ListHostedZonesResponse', listHostedZones([...state.zones.values()], query)),
  },
  {
    operation: 'ListHostedZonesByName',
    method: 'GET',
    pattern: new RegExp(`^${V}/hostedzonesbyname/?$`),
    handle: (state, { query }) =>
      ok('ListHostedZonesByNameResponse', listHostedZonesByName([...state.zones.values()], query)),
  },
  {
    operation: 'GetHostedZone',
    method: 'GET',
    pattern: new RegExp(`^${V}/hostedzone/([^/]+)/?$`),
    handle: (state, { params }) => {
      const zone = state.zone(params[0] ?? '');
      return ok('GetHostedZoneResponse', {
        HostedZone: hostedZoneXml(zone),
        DelegationSet: delegationSetXml(zone),
      });
    },
  },
  {
    operation: 'DeleteHostedZone',
    method: 'DELETE',
    pattern: new RegExp(`^${V}/hostedzone/([^/]+)/?$`),
    handle: (state, { params }) => {
      const zone = state.zone(params[0] ?? '');
      const extra = [...zone.records.values()].some(
        (r) => !(r.name === zone.name && (r.type === 'SOA' || r.type === 'NS')),
      );
      if (extra) throw hostedZoneNotEmpty();
      state.zones.delete(zone.id);
      return ok('DeleteHostedZoneResponse', {
        ChangeInfo: changeInfoXml(state.recordChange(undefined), 'PENDING'),
      });
    },
  },
  {
    operation: 'ChangeResourceRecordSets',
    method: 'POST',
    pattern: new RegExp(`^${V}/hostedzone/([^/]+)/rrset/?$`),
    handle: (state, { params, body }) => {
      const zone = state.zone(params[0] ?? '');
      const { root, node } = parseXml(body);
      const batch = parseChangeBatch(root, node);
      applyChangeBatch(zone, batch.changes);
      const change = state.recordChange(batch.comment);
      // A fresh change is always PENDING, whatever insyncAfterMs says.
      return ok('ChangeResourceRecordSetsResponse', {
        ChangeInfo: changeInfoXml(change, 'PENDING'),
      });
    },
  },
  {
    operation: 'ListResourceRecordSets',
    method: 'GET',
    pattern: new RegExp(`^${V}/hostedzone/([^/]+)/rrset/?$`),
    handle: (state, { params, query }) =>
      ok(
        'ListResourceRecordSetsResponse',
        listResourceRecordSets(state.zone(params[0] ?? ''), query),
      ),
  },
  {
    operation: 'GetChange',
    method: 'GET',
    pattern: new RegExp(`^${V}/change/([^/]+)/?$`),
    handle: (state, { params }) => {
      const change = state.change(params[0] ?? '');
      return ok('GetChangeResponse', { ChangeInfo: changeInfoXml(change, state.status(change)) });
    },
  },
];

export function matchRoute(
  method: string,
  path: string,
): { route: Route53Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

/** A caller reference for zones the tests create directly. */
export const newCallerReference = (): string => randomUUID();
