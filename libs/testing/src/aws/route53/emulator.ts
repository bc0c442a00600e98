// startRoute53Emulator: a loopback server speaking Route 53's REST-XML API (2013-04-01) for the
// official SDK client (`endpoint: emulator.url`), with Route 53's change propagation
// (PENDING → INSYNC), its per-account rate limit and injectable faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsFaultInjector, sleep, type FaultDecision } from '../shared/faults.js';
import { listen, newRequestId, readBody } from '../shared/http.js';
import { TokenBucket } from '../shared/rate-limiter.js';
import { logEntry, type AwsRequestLogEntry } from '../shared/request-log.js';
import { readSigV4 } from '../shared/sigv4.js';
import {
  incompleteSignature,
  invalidAction,
  missingAuthenticationToken,
  priorRequestNotComplete,
  Route53Error,
  serverFault,
  throttling,
} from './errors.js';
import { sortedRecords } from './listing.js';
import { normalizeName } from './names.js';
import { matchRoute, newCallerReference } from './operations.js';
import { sendError, sendXml } from './protocol.js';
import type { RecordSet } from './records.js';
import { Route53State, stripPrefix } from './state.js';

export interface Route53EmulatorOptions {
  port?: number;
  /** Route 53 is global; its SigV4 region is us-east-1 (what `region` reports). */
  region?: string;
  /** How long a change stays PENDING before GetChange answers INSYNC (default 0). */
  insyncAfterMs?: number;
  /**
   * Per-account request rate (token bucket refill per second); beyond it every operation answers
   * 400 Throttling "Rate exceeded". Route 53 documented 5/s. Default: unlimited.
   */
  ratePerSecond?: number;
  /** Bucket size: requests accepted at once before the rate applies (default `ratePerSecond`). */
  burst?: number;
}

/** Route 53-specific fault: 400 PriorRequestNotComplete. */
export type Route53ExtraFault = 'prior-request-not-complete';

/** What tests see of a record set. */
export interface EmulatedRecord {
  name: string;
  type: string;
  ttl: number | undefined;
  values: string[];
  setIdentifier: string | undefined;
  alias: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean } | undefined;
}

export type Route53Emulator = Awaited<ReturnType<typeof startRoute53Emulator>>;

export async function startRoute53Emulator(options: Route53EmulatorOptions = {}) {
  const state = new Route53State(options.insyncAfterMs ?? 0);
  const faults = new AwsFaultInjector<Route53ExtraFault>();
  const bucket =
    options.ratePerSecond !== undefined
      ? new TokenBucket(options.ratePerSecond, options.burst ?? options.ratePerSecond)
      : undefined;
  const requestLog: AwsRequestLogEntry[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = newRequestId();
    const entry = logEntry({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      requestId,
    });
    requestLog.push(entry);
    const body = (await readBody(req)).toString('utf8');
    const fail = (error: Route53Error, injected = false): void => {
      entry.status = error.status;
      entry.errorCode = error.code;
      entry.injected = injected;
      sendError(res, error, requestId);
    };

    const auth = readSigV4(req.headers, url.searchParams);
    if (auth.kind === 'missing') return fail(missingAuthenticationToken());
    if (auth.kind === 'incomplete') return fail(incompleteSignature(auth.message));
    entry.region = auth.scope.region;
    entry.accessKeyId = auth.scope.accessKeyId;

    const matched = matchRoute(method, url.pathname);
    if (!matched) return fail(invalidAction(method, url.pathname));
    const { route, params } = matched;
    entry.operation = route.operation;
    entry.input = { params, query: entry.query, ...(body ? { body } : {}) };

    if (bucket && !bucket.tryTake()) return fail(throttling(), true);
    const decision = faults.take(route.operation);
    if (decision) {
      await sleep(decision.delayMs);
      const injected = faultError(decision);
      if (injected) return fail(injected, true);
    }

    try {
      const answer = route.handle(state, { params, query: url.searchParams, body });
      entry.status = answer.status;
      sendXml(res, answer.status, answer.root, answer.content, requestId, answer.headers);
    } catch (error) {
      if (error instanceof Route53Error) return fail(error);
      throw error;
    }
  }

  const server = await listen(options.port, handle);

  const toView = (r: RecordSet): EmulatedRecord => ({
    name: r.name,
    type: r.type,
    ttl: r.ttl,
    values: [...r.values],
    setIdentifier: r.setIdentifier,
    alias: r.alias ? { ...r.alias } : undefined,
  });

  return {
    /** `endpoint` for `new Route53Client({ endpoint, region, credentials })`. */
    url: server.url,
    region: options.region ?? 'us-east-1',
    /** `faults.add('ChangeResourceRecordSets', 'throttle' | 500 | 503 | 'prior-request-not-complete' | { delayMs }, times?)`. */
    faults,
    /** Every call, oldest first. */
    requestLog,
    clearRequests(): void {
      requestLog.length = 0;
    },

    /** Creates a public hosted zone (with its NS and SOA records) and returns its bare id (`Z…`). */
    createZone(
      name: string,
      zoneOptions: { comment?: string; privateZone?: boolean } = {},
    ): string {
      return state.createZone({ name, callerReference: newCallerReference(), ...zoneOptions }).id;
    },
    zones(): { id: string; name: string; recordCount: number; privateZone: boolean }[] {
      return [...state.zones.values()].map((z) => ({
        id: z.id,
        name: z.name,
        recordCount: z.records.size,
        privateZone: z.privateZone,
      }));
    },
    /** The zone's record sets in ListResourceRecordSets order (names fully qualified, lowercase). */
    records(zoneId: string): EmulatedRecord[] {
      return sortedRecords(state.zone(zoneId)).map(toView);
    },
    /** One record set by name (any form: `x.example.com` works) and type. */
    record(zoneId: string, name: string, type: string): EmulatedRecord | undefined {
      const wanted = normalizeName(name);
      const found = [...state.zone(zoneId).records.values()].find(
        (r) => r.name === wanted && r.type === type,
      );
      return found ? toView(found) : undefined;
    },
    /** Submitted changes with their current status, oldest first. */
    changes(): { id: string; status: 'PENDING' | 'INSYNC'; submittedAt: Date; comment?: string }[] {
      return [...state.changes.values()].map((c) => ({
        id: c.id,
        status: state.status(c),
        submittedAt: c.submittedAt,
        ...(c.comment !== undefined ? { comment: c.comment } : {}),
      }));
    },
    /** Every pending change propagates now. */
    syncChanges(): void {
      for (const change of state.changes.values()) change.insyncAt = state.now();
    },
    /** The bare id of a `/hostedzone/Z…` or `/change/C…` id. */
    bareId: stripPrefix,

    close: server.close,
  };
}

function faultError(decision: FaultDecision<Route53ExtraFault>): Route53Error | undefined {
  const { fault } = decision;
  if (typeof fault === 'object') return undefined; // a slow answer, then the real one
  if (fault === 'throttle') return throttling();
  if (fault === 'prior-request-not-complete') return priorRequestNotComplete();
  return serverFault(fault);
}
