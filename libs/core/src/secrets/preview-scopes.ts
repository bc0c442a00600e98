import type { SecretIdentity } from './production-rules.js';

// The port for an environment's PR scope: the one set of secret values its containers get
// (generated credentials plus the operator layers it may read), written by the wire stage before
// any container starts and removed at teardown. Two drivers: Berth's own table
// (PostgresPreviewScopes, @berth/db) and AWS Secrets Manager (@berth/providers).

export interface PreviewScopeRef {
  /** The deterministic name the scope has in its provider (previewSecretName). */
  name: string;
  environmentId: string;
  /** `owner/name`. */
  repository: string;
}

/** What a provider holds under Berth's marks, for the reconciler (issue 11). */
export interface PreviewScopeInventoryItem {
  name: string;
  /** The provider's id (an ARN for Secrets Manager). */
  providerId: string;
  environmentId?: string;
  repository?: string;
  /** AWS deletes asynchronously: a scope it still lists as scheduled for deletion. */
  deleting: boolean;
  /** When the provider made it, and last changed it (the reconciler's grace period). */
  createdAt?: Date;
  changedAt?: Date;
}

export interface PreviewScopes {
  /** The ledger's provider for rows of this driver. */
  readonly provider: 'secrets_local' | 'secrets_aws';
  /** The values, or undefined when the scope does not exist (never created, or removed). */
  read(ref: PreviewScopeRef): Promise<Record<string, string> | undefined>;
  /** Creates the scope, or replaces its values; answers the provider's id. Safe to repeat. */
  write(ref: PreviewScopeRef, values: Readonly<Record<string, string>>): Promise<string>;
  /** Removes it at once (no recovery window); a scope already gone counts as removed. */
  remove(name: string): Promise<void>;
  /**
   * Every scope this driver holds under Berth's marks; with `namePrefix`, only names under it
   * (PREVIEW_SECRET_PREFIX: an account may hold other installations' scopes).
   */
  inventory(options?: { namePrefix?: string }): Promise<PreviewScopeInventoryItem[]>;
}

/** Operator entries that point at a secret held elsewhere (Secrets Manager). */
export interface SecretReferences {
  /** Its identity for the production rules; throws a message naming the fix when it is missing. */
  describe(reference: string): Promise<SecretIdentity>;
  /** Its value; asked only after `describe` passed the rules. */
  value(reference: string): Promise<string>;
}
