// Replicate's half of issue 10: before the database service starts, its volumes hold what the
// wire stage decided (wiring.database): kept, a copy of a base state, or empty. Safe to run
// twice: each volume records the generation it was prepared for, and a retry finds it done.

import type { DatabaseRecord, RevisionWiring } from '@berth/core';
import type { ResourceLedger } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import type { Logger } from 'pino';
import { slotMetadata, type VolumePlan } from './container-plan.js';

type RevisionDatabase = NonNullable<RevisionWiring['database']>;

interface PreparedRecord extends DatabaseRecord {
  /** The generation this volume was last prepared for. */
  generation: number;
}

export interface DatabaseVolumeOutcome {
  volume: string;
  action: RevisionDatabase['action'];
  /** Bytes copied from the base state (branched, restored). */
  bytes?: number;
  ms: number;
}

export async function prepareDatabaseVolume(input: {
  host: ContainerHost;
  ledger: ResourceLedger;
  environmentId: string;
  generation: number;
  database: RevisionDatabase;
  volume: VolumePlan;
  /** The database service's container: it must not hold a volume that is replaced. */
  container: string;
  /** The database service's image: the copy's helper containers come from it. */
  image: string;
  logger: Logger;
  /** Awaited before the database's container goes (the serving revision loses it). */
  beforeReplace: () => Promise<void>;
  /** The environment's slot the volume is in (decision 0040). */
  slot: number;
}): Promise<DatabaseVolumeOutcome> {
  const { host, ledger, database, volume, generation } = input;
  const started = Date.now();
  const row = await ledger.plan(
    {
      kind: 'volume',
      provider: 'docker',
      name: volume.name,
      environmentId: input.environmentId,
      metadata: { volume: volume.key, ...slotMetadata(input.slot) },
    },
    { keepMetadata: ['database'] },
  );
  const prepared = (row.metadata as { database?: PreparedRecord } | null)?.database;
  const target = database.volumes.find((v) => v.name === volume.name)?.target;
  const source = target !== undefined ? database.base?.volumes[target] : undefined;
  const exists = row.state === 'created';

  // Done by an earlier attempt of this generation, or nothing to change: make sure it exists.
  const replaces = database.action === 'restored' || database.action === 'reset';
  const copies = database.action === 'branched' || database.action === 'restored';
  const done = prepared?.generation === generation;
  // A volume made before issue 10 (no record) that a first plan calls "branched" keeps its data.
  const legacy = exists && !prepared && !replaces;
  if (done || database.action === 'kept' || legacy) {
    await host.ensureVolume(volume);
    await ledger.markCreated(row.id);
    if (!prepared) {
      await ledger.mergeMetadata(row.id, { database: record(database, generation, false) });
    }
    return {
      volume: volume.name,
      action: done ? database.action : 'kept',
      ms: Date.now() - started,
    };
  }

  try {
    // Replaced, or half-made by an attempt that died before recording it: start from nothing.
    await input.beforeReplace();
    await host.removeContainer(input.container);
    await host.removeVolume(volume.name);
    let bytes: number | undefined;
    if (copies && source) {
      ({ bytes } = await host.copyVolume({
        from: source,
        to: volume.name,
        image: input.image,
        labels: volume.labels,
      }));
    } else {
      if (copies) {
        input.logger.warn(
          { volume: volume.name, target },
          'the base state has no copy of this volume: it starts empty',
        );
      }
      await host.ensureVolume(volume);
    }
    await ledger.markCreated(row.id);
    await ledger.mergeMetadata(row.id, {
      database: record(database, generation, copies && source !== undefined),
    });
    input.logger.info(
      { volume: volume.name, action: database.action, bytes },
      'database volume prepared',
    );
    return {
      volume: volume.name,
      action: database.action,
      ...(bytes !== undefined ? { bytes } : {}),
      ms: Date.now() - started,
    };
  } catch (error) {
    await ledger.markFailed(row.id).catch(() => undefined);
    throw error;
  }
}

function record(database: RevisionDatabase, generation: number, copied: boolean): PreparedRecord {
  return {
    // A snapshot's volume is empty until the restore records it (a failed one is not "kept").
    mode: copied ? 'branch' : database.mode === 'snapshot' ? 'fresh' : database.mode,
    ...(copied && database.base ? { baseSha: database.base.sha } : {}),
    generation,
  };
}
