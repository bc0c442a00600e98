// Secret scopes (issue 9): operator-set values in three layers, later overriding earlier —
// the installation's preview defaults, then the repository, then the pull request. What an
// environment finally gets is materialised once per environment (its "PR scope") in the
// configured backend, next to the values Berth generated for it.

/** Later layers override earlier ones, in this order. */
export const SECRET_LAYERS = ['installation', 'repository', 'pull_request'] as const;
export type SecretLayer = (typeof SECRET_LAYERS)[number];

/** Names a compose file can ask for: the same rule as `x-berth.secrets` entries. */
export const SCOPED_SECRET_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export interface ScopeTarget {
  /** `owner/name`. */
  repository: string;
  prNumber?: number;
}

/** The store key of one layer, e.g. `repository:acme/shop`, `pull_request:acme/shop#7`. */
export function scopeKey(layer: SecretLayer, target: ScopeTarget): string {
  const fullName = target.repository.toLowerCase();
  if (layer === 'installation') return `installation:${fullName.split('/')[0] ?? fullName}`;
  if (layer === 'repository') return `repository:${fullName}`;
  if (target.prNumber === undefined) throw new Error('a pull_request scope needs a PR number');
  return `pull_request:${fullName}#${target.prNumber}`;
}

/** One operator-set entry: a value Berth holds, or a reference to a secret in AWS. */
export interface ScopedEntry {
  name: string;
  layer: SecretLayer;
  /** Set for a value Berth stores (sealed in its own table). */
  value?: string;
  /** Set for a reference: the Secrets Manager secret id (name or ARN), optionally `#jsonKey`. */
  reference?: string;
}

/** Name → the entry that wins: the last layer that sets it. */
export function mergeLayers(entries: Iterable<ScopedEntry>): Map<string, ScopedEntry> {
  const rank = (layer: SecretLayer) => SECRET_LAYERS.indexOf(layer);
  const out = new Map<string, ScopedEntry>();
  for (const entry of entries) {
    const current = out.get(entry.name);
    if (!current || rank(entry.layer) >= rank(current.layer)) out.set(entry.name, entry);
  }
  return out;
}

/** `prod/db#password` → secret id `prod/db`, JSON key `password`. */
export function parseReference(reference: string): { secretId: string; jsonKey?: string } {
  const hash = reference.lastIndexOf('#');
  if (hash <= 0) return { secretId: reference };
  return { secretId: reference.slice(0, hash), jsonKey: reference.slice(hash + 1) };
}

/**
 * The Secrets Manager name of one environment's PR scope. The incarnation (the generation the
 * scope was first written at) is in the name because AWS deletes asynchronously: a PR reopened
 * seconds after it closed gets a new name instead of "scheduled for deletion".
 */
export function previewSecretName(
  prefix: string,
  target: Required<ScopeTarget>,
  incarnation: number,
): string {
  const [owner, repo] = target.repository.toLowerCase().split('/');
  const clean = (part: string | undefined) => (part ?? '').replace(/[^a-z0-9._-]/g, '-');
  return `${prefix.replace(/\/+$/, '')}/${clean(owner)}/${clean(repo)}/pr-${target.prNumber}/g${incarnation}`;
}
