// startSecretsManagerEmulator: a loopback server speaking Secrets Manager's AWS JSON 1.1 protocol,
// for the official SDK client (`endpoint: emulator.url`). One store per region: like AWS, a
// secret lives in the region the request was signed for.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsFaultInjector, sleep, type FaultDecision } from '../shared/faults.js';
import { listen, newRequestId, readBody } from '../shared/http.js';
import { logEntry, type AwsRequestLogEntry } from '../shared/request-log.js';
import { readSigV4 } from '../shared/sigv4.js';
import type { SecretsOperation } from './context.js';
import {
  incompleteSignature,
  missingAuthenticationToken,
  serverFault,
  throttling,
  unknownOperation,
} from './errors.js';
import { Input, type Tag } from './input.js';
import { lifecycleOperations } from './lifecycle-operations.js';
import { listOperations } from './list-operations.js';
import {
  operationFromTarget,
  parseJsonObject,
  SecretsManagerError,
  sendError,
  sendJson,
} from './protocol.js';
import { addVersion, AWSCURRENT, currentVersion, SecretStore, type SecretRecord } from './state.js';
import { valueOperations } from './value-operations.js';

export interface SecretsManagerEmulatorOptions {
  port?: number;
  /** Region of the seeding helpers and the default for inspection (default `us-east-1`). */
  region?: string;
  /** 12-digit account id in ARNs (default `123456789012`). */
  accountId?: string;
  /**
   * How long a ForceDeleteWithoutRecovery deletion keeps the secret "scheduled for deletion"
   * (AWS deletes in the background; CreateSecret of the name fails meanwhile). Default 0.
   */
  forceDeleteDelayMs?: number;
}

/** What tests see of a secret. */
export interface EmulatedSecret {
  name: string;
  arn: string;
  region: string;
  description: string | undefined;
  tags: Record<string, string>;
  /** The AWSCURRENT SecretString, if any. */
  value: string | undefined;
  versionCount: number;
  /** Scheduled for deletion (DeleteSecret called, not yet purged). */
  deleted: boolean;
  deletionDate: Date | undefined;
}

const OPERATIONS: Record<string, SecretsOperation> = {
  ...lifecycleOperations,
  ...listOperations,
  ...valueOperations,
};

export type SecretsManagerEmulator = Awaited<ReturnType<typeof startSecretsManagerEmulator>>;

export async function startSecretsManagerEmulator(options: SecretsManagerEmulatorOptions = {}) {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const forceDeleteDelayMs = options.forceDeleteDelayMs ?? 0;
  const stores = new Map<string, SecretStore>();
  const storeFor = (r: string): SecretStore => {
    let store = stores.get(r);
    if (!store) {
      store = new SecretStore(r, accountId);
      stores.set(r, store);
    }
    return store;
  };
  const faults = new AwsFaultInjector();
  const requestLog: AwsRequestLogEntry[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestId = newRequestId();
    const entry = logEntry({
      method: req.method ?? 'POST',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      requestId,
    });
    requestLog.push(entry);
    const raw = await readBody(req);
    const fail = (error: SecretsManagerError, injected = false): void => {
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

    const operation = operationFromTarget(req.headers['x-amz-target']);
    const handler = operation ? OPERATIONS[operation] : undefined;
    entry.operation = operation ?? 'unknown';
    if (req.method !== 'POST' || !handler || !operation) return fail(unknownOperation());

    const decision = faults.take(operation);
    if (decision) {
      await sleep(decision.delayMs);
      const injected = faultError(decision);
      if (injected) return fail(injected, true);
    }

    try {
      const input = new Input(parseJsonObject(raw));
      entry.input = input.body;
      const output = handler({ store: storeFor(auth.scope.region), forceDeleteDelayMs }, input);
      entry.status = 200;
      sendJson(res, 200, output, requestId);
    } catch (error) {
      if (error instanceof SecretsManagerError) return fail(error);
      throw error;
    }
  }

  const server = await listen(options.port, handle);

  const toView = (record: SecretRecord): EmulatedSecret => ({
    name: record.name,
    arn: record.arn,
    region: record.region,
    description: record.description,
    tags: Object.fromEntries(record.tags.map((t) => [t.Key, t.Value])),
    value: currentVersion(record)?.secretString,
    versionCount: record.versions.size,
    deleted: record.deletedAt !== undefined,
    deletionDate: record.deletionDate,
  });

  return {
    /** `endpoint` for `new SecretsManagerClient({ endpoint, region, credentials })`. */
    url: server.url,
    region,
    accountId,
    /** `faults.add('GetSecretValue', 'throttle' | 500 | 503 | { delayMs }, times?)`. */
    faults,
    /** Every call, oldest first. */
    requestLog,
    clearRequests(): void {
      requestLog.length = 0;
    },

    /** Secrets of `inRegion` (default: every region), including those scheduled for deletion. */
    secrets(inRegion?: string): EmulatedSecret[] {
      const chosen = inRegion ? [storeFor(inRegion)] : [...stores.values()];
      return chosen.flatMap((s) => s.all()).map(toView);
    },
    /** One secret by name or ARN (in `inRegion`, default the emulator's region). */
    secret(secretId: string, inRegion = region): EmulatedSecret | undefined {
      const record = storeFor(inRegion).find(secretId);
      return record ? toView(record) : undefined;
    },
    /** Seeds a secret directly (as if created earlier). Returns its ARN. */
    seedSecret(
      name: string,
      value: string,
      seed: { tags?: Record<string, string>; description?: string; region?: string } = {},
    ): string {
      const store = storeFor(seed.region ?? region);
      const tags: Tag[] = Object.entries(seed.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
      const record = store.create({
        name,
        description: seed.description,
        kmsKeyId: undefined,
        tags,
      });
      addVersion(
        record,
        { id: randomUUID(), secretString: value, secretBinary: undefined },
        [AWSCURRENT],
        record.created,
      );
      return record.arn;
    },
    /** Completes every pending deletion now (AWS's background purge). */
    purgeDeletedSecrets(): void {
      for (const store of stores.values()) store.purgeAllScheduled();
    },

    close: server.close,
  };
}

function faultError(decision: FaultDecision): SecretsManagerError | undefined {
  const { fault } = decision;
  if (typeof fault === 'object') return undefined; // a slow answer, then the real one
  if (fault === 'throttle') return throttling();
  return serverFault(fault);
}
