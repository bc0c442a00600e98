// One region's secrets. Deletion is two-phase like AWS: DeleteSecret schedules it (the secret is
// "marked for deletion" and its name stays taken), a later background purge removes it.
import { randomChars } from '../shared/http.js';
import { secretNotFound } from './errors.js';
import type { Tag } from './input.js';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';

export interface SecretVersion {
  id: string;
  secretString: string | undefined;
  /** Base64, as it travels in JSON. */
  secretBinary: string | undefined;
  stages: string[];
  created: Date;
}

export interface SecretRecord {
  arn: string;
  name: string;
  region: string;
  description: string | undefined;
  kmsKeyId: string | undefined;
  tags: Tag[];
  versions: Map<string, SecretVersion>;
  created: Date;
  lastChanged: Date;
  /** AWS keeps only the day (midnight UTC). */
  lastAccessed: Date | undefined;
  /** When DeleteSecret was called (DescribeSecret's DeletedDate). */
  deletedAt: Date | undefined;
  /** End of the recovery window (DeleteSecret's DeletionDate). */
  deletionDate: Date | undefined;
  /** When the background deletion really removes it (epoch ms). */
  purgeAt: number | undefined;
}

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class SecretStore {
  private readonly secrets = new Map<string, SecretRecord>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly now: () => number = Date.now,
  ) {}

  /** The background deletion: secrets whose purge time has come are gone. */
  purgeExpired(): void {
    const now = this.now();
    for (const [arn, record] of this.secrets) {
      if (record.purgeAt !== undefined && record.purgeAt <= now) this.secrets.delete(arn);
    }
  }

  /** Finishes every scheduled deletion now (what AWS does eventually). */
  purgeAllScheduled(): void {
    for (const [arn, record] of this.secrets) {
      if (record.deletedAt) this.secrets.delete(arn);
    }
  }

  all(): SecretRecord[] {
    this.purgeExpired();
    return [...this.secrets.values()];
  }

  /** By name, full ARN, or partial ARN (without the `-xxxxxx` suffix), as AWS accepts. */
  find(secretId: string): SecretRecord | undefined {
    this.purgeExpired();
    if (!secretId.startsWith('arn:')) {
      return [...this.secrets.values()].find((s) => s.name === secretId);
    }
    return (
      this.secrets.get(secretId) ??
      [...this.secrets.values()].find((s) => s.arn.slice(0, -7) === secretId)
    );
  }

  require(secretId: string): SecretRecord {
    const record = this.find(secretId);
    if (!record) throw secretNotFound();
    return record;
  }

  create(input: {
    name: string;
    description: string | undefined;
    kmsKeyId: string | undefined;
    tags: Tag[];
  }): SecretRecord {
    const now = new Date(this.now());
    const suffix = randomChars(6, SUFFIX_ALPHABET);
    const record: SecretRecord = {
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${input.name}-${suffix}`,
      name: input.name,
      region: this.region,
      description: input.description,
      kmsKeyId: input.kmsKeyId,
      tags: dedupeTags(input.tags),
      versions: new Map(),
      created: now,
      lastChanged: now,
      lastAccessed: undefined,
      deletedAt: undefined,
      deletionDate: undefined,
      purgeAt: undefined,
    };
    this.secrets.set(record.arn, record);
    return record;
  }
}

/** Adds a version; the stages it takes move off whichever version held them (AWSCURRENT's old holder becomes AWSPREVIOUS). */
export function addVersion(
  record: SecretRecord,
  version: Omit<SecretVersion, 'stages' | 'created'>,
  stages: string[],
  now: Date,
): SecretVersion {
  const created: SecretVersion = { ...version, stages: [], created: now };
  const previousCurrent = currentVersion(record);
  for (const stage of stages) {
    for (const other of record.versions.values()) {
      other.stages = other.stages.filter((s) => s !== stage);
    }
  }
  if (stages.includes(AWSCURRENT) && previousCurrent) {
    for (const other of record.versions.values()) {
      other.stages = other.stages.filter((s) => s !== AWSPREVIOUS);
    }
    previousCurrent.stages.push(AWSPREVIOUS);
  }
  created.stages = [...new Set(stages)];
  record.versions.set(created.id, created);
  record.lastChanged = now;
  return created;
}

export function currentVersion(record: SecretRecord): SecretVersion | undefined {
  return versionWithStage(record, AWSCURRENT);
}

export function versionWithStage(record: SecretRecord, stage: string): SecretVersion | undefined {
  return [...record.versions.values()].find((v) => v.stages.includes(stage));
}

/** Tagging a key again replaces its value. */
export function dedupeTags(tags: Tag[]): Tag[] {
  const byKey = new Map<string, Tag>();
  for (const tag of tags) byKey.set(tag.Key, { Key: tag.Key, Value: tag.Value });
  return [...byKey.values()];
}
