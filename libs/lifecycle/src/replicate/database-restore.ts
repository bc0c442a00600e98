// `db:snapshot` in the replicate stage: the operator's registered dump restored into the PR's own,
// new database through its own client, then the operator's masking SQL, before any other service
// of the environment runs, so the app never sees unmasked rows. Once per generation: the volume's
// ledger row records it; a failed restore marks the volume for a clean start on retry.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  describeSnapshotSource,
  type RegisteredSnapshot,
  redactSecrets,
  restoreCommand,
  serverReadyCommand,
  type SnapshotEngine,
  type SnapshotRef,
} from '@berth/core';
import type { ResourceLedger, SnapshotStore } from '@berth/db';
import { type ContainerHost, type ObjectStore, ObjectStoreError } from '@berth/providers';
import type { Logger } from 'pino';
import { PermanentStageError } from '../pipeline/stage-handler.js';

/** A dump of production size restores for a while; bounded so a stuck client is not forever. */
const RESTORE_TIMEOUT_MS = 30 * 60_000;
const MASK_TIMEOUT_MS = 10 * 60_000;

export interface SnapshotRestoreDeps {
  snapshots: Pick<SnapshotStore, 'get'>;
  /** SNAPSHOT_DIR: where the registered dump files are on this worker. */
  dir: string;
  /** Where `s3://` dumps are read from (the worker's own credentials); unset: they are refused. */
  objects?: ObjectStore;
}

export interface RestoreOutcome {
  snapshot: string;
  bytes: number;
  /** Ready to accept connections → restored → masked. */
  ms: { ready: number; restore: number; mask: number };
  /** Already restored for this generation by an earlier attempt. */
  skipped?: true;
}

/** True when the database volume still waits for this generation's restore. */
export async function restorePending(
  ledger: ResourceLedger,
  environmentId: string,
  volume: string,
  generation: number,
): Promise<boolean> {
  const row = (await ledger.live(environmentId)).find(
    (r) => r.kind === 'volume' && r.name === volume,
  );
  return (row?.metadata as { restored?: number } | null)?.restored !== generation;
}

export async function restoreSnapshot(input: {
  deps: SnapshotRestoreDeps | undefined;
  host: ContainerHost;
  ledger: ResourceLedger;
  environmentId: string;
  generation: number;
  snapshot: SnapshotRef;
  /** The database's running container. */
  container: string;
  /** The database's first volume: its ledger row records the restore. */
  volume: string;
  readyTimeoutMs: number;
  secrets: readonly string[];
  logger: Logger;
}): Promise<RestoreOutcome> {
  const { host, ledger, snapshot, container } = input;
  const row = (await ledger.live(input.environmentId)).find(
    (r) => r.kind === 'volume' && r.name === input.volume,
  );
  if (!row) throw new Error(`the database volume ${input.volume} is not in the ledger`);
  if ((row.metadata as { restored?: number } | null)?.restored === input.generation) {
    return {
      snapshot: snapshot.name,
      bytes: 0,
      ms: { ready: 0, restore: 0, mask: 0 },
      skipped: true,
    };
  }
  if (!input.deps) {
    throw new PermanentStageError(
      'db:snapshot: this worker has no SNAPSHOT_DIR; ask the operator to set it, or use db:branch or db:fresh',
    );
  }
  // Read again: the operator may have removed it or withdrawn "sanitized" since the wire stage.
  const registered = await input.deps.snapshots.get(snapshot.name);
  if (!registered || !registered.sanitized) {
    throw new PermanentStageError(
      `db:snapshot: snapshot \`${snapshot.name}\` is ${registered ? 'no longer registered as sanitized' : 'no longer registered'}; push again to choose another, or use db:branch or db:fresh`,
    );
  }
  const fail = async (what: string, output: string, retryable = false): Promise<never> => {
    // The volume may hold half a dump (MySQL cannot restore in one transaction): a retry starts
    // from a new, empty volume.
    await ledger.mergeMetadata(row.id, { database: { mode: 'fresh', generation: -1 } });
    const tail = output.trim().split('\n').slice(-20).join('\n');
    const message = redactSecrets(
      `db:snapshot: ${what}; the client's last output:\n${tail}`,
      input.secrets,
    );
    throw retryable ? new Error(message) : new PermanentStageError(message);
  };

  const started = Date.now();
  await serverReady(host, container, registered.engine, input.readyTimeoutMs);
  const ready = Date.now() - started;

  // Opened once the server is up, so an object's HTTP response is never left waiting.
  const source = await openDump(registered, input.deps);
  const dump = registered.format === 'sql.gz' ? source.body.pipe(createGunzip()) : source.body;
  source.body.once('error', (error) => dump.destroy(error));
  const restored = await host.execWithInput(container, {
    cmd: restoreCommand(registered.engine, registered.format),
    input: dump,
    timeoutMs: RESTORE_TIMEOUT_MS,
  });
  if (restored.inputError) {
    // A connection to the store dropped mid-object may pass; a local file that cannot be read
    // will not.
    await fail(
      `reading ${describeSnapshotSource(registered.source)} failed (${restored.inputError})`,
      restored.output,
      registered.source.kind === 's3',
    );
  }
  if (restored.exitCode !== 0) {
    await fail(
      restored.timedOut
        ? `restoring \`${snapshot.name}\` did not finish within ${RESTORE_TIMEOUT_MS / 60_000} min`
        : `restoring \`${snapshot.name}\` (${registered.format}) exited ${restored.exitCode}`,
      restored.output,
    );
  }
  const restoreMs = Date.now() - started - ready;

  if (registered.maskSql) {
    const masked = await host.execWithInput(container, {
      cmd: restoreCommand(registered.engine, 'sql'),
      input: Readable.from([registered.maskSql]),
      timeoutMs: MASK_TIMEOUT_MS,
    });
    if (masked.exitCode !== 0) {
      await fail(
        `the masking SQL of \`${snapshot.name}\` failed (exit ${masked.exitCode})`,
        masked.output,
      );
    }
  }
  const ms = { ready, restore: restoreMs, mask: Date.now() - started - ready - restoreMs };
  await ledger.mergeMetadata(row.id, {
    restored: input.generation,
    database: { mode: 'snapshot', snapshot: snapshot.name, generation: input.generation },
  });
  input.logger.info(
    { snapshot: snapshot.name, source: registered.source.kind, bytes: source.bytes, ms },
    'snapshot restored',
  );
  return { snapshot: snapshot.name, bytes: source.bytes, ms };
}

/** The registered dump's bytes, from SNAPSHOT_DIR or the object store, with what to fix if not. */
async function openDump(
  registered: RegisteredSnapshot,
  deps: SnapshotRestoreDeps,
): Promise<{ body: Readable; bytes: number }> {
  const { source, name } = registered;
  if (source.kind === 'file') {
    const path = join(deps.dir, source.file);
    const bytes = await stat(path).then(
      (s) => s.size,
      () => {
        throw new PermanentStageError(
          `db:snapshot: the file of snapshot \`${name}\` is missing on this worker (${path}); the operator copies it into SNAPSHOT_DIR`,
        );
      },
    );
    return { body: createReadStream(path), bytes };
  }
  const where = describeSnapshotSource(source);
  if (!deps.objects) {
    throw new PermanentStageError(
      `db:snapshot: snapshot \`${name}\` is the object ${where}, and this worker reads no object store; ask the operator to configure S3 for the worker, or use db:branch or db:fresh`,
    );
  }
  try {
    return await deps.objects.read(source);
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    const fix = {
      missing: `the operator uploads it there, or registers the snapshot again with its new location (\`berth snapshot add ${name} --s3 …\`)`,
      denied: `the worker's AWS credentials may not read it: the operator grants s3:GetObject on it`,
      unconfigured: `the worker has no AWS region or credentials: the operator sets AWS_REGION and credentials (or an instance role) for the worker`,
      unavailable: 'Berth retries',
    }[error.failure];
    const message = `db:snapshot: cannot read snapshot \`${name}\` (${error.message}); ${fix}`;
    // Only an unreachable or failing store may pass on its own: the stage's retries cover it.
    throw error.failure === 'unavailable' ? new Error(message) : new PermanentStageError(message);
  }
}

async function serverReady(
  host: ContainerHost,
  container: string,
  engine: SnapshotEngine,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = await host.probeHealth(container, ['CMD', ...serverReadyCommand(engine)], {
      timeoutMs: 5_000,
    });
    if (probe.outcome === 'passed') return;
    if (Date.now() > deadline) {
      throw new Error(
        `db:snapshot: the database in ${container} did not accept connections within ${Math.round(timeoutMs / 1000)} s (${probe.outcome})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
