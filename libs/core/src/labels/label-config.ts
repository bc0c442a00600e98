/**
 * The typed configuration a pull request's labels declare. Labels are the user interface:
 * `preview:*`, `db:*` and `ttl:*` belong to Berth; every other label is the team's own.
 */

export type PreviewMode = 'full-stack' | 'frontend-only';
/**
 * `fresh`: empty + migrations + seed; `branch`: a copy of the repository's base state;
 * `snapshot`: an operator-registered sanitized dump (`db:seed-from-production` is its alias).
 */
export type DatabaseMode = 'fresh' | 'branch' | 'snapshot';

export interface PreviewConfig {
  /** `preview:skip`: no environment for this PR (an existing one is torn down). */
  skip: boolean;
  mode: PreviewMode;
  /** `preview:rebuild`: bypass the build cache for this generation. */
  rebuild: boolean;
  /** `preview:approved` is present (whether it covers the head SHA is `approvalState`'s call). */
  approved: boolean;
  database: DatabaseMode;
  /**
   * A `db:*` label chose `database`. Without one, the preview branches from the repository's base
   * state when there is one, else starts fresh (decided where the base is known: the wire stage).
   */
  databaseFromLabel: boolean;
  ttlMs: number;
}

/** Each option a label can turn on; `ttl` stands for every `ttl:<duration>`. */
export const LABEL_OPTIONS = [
  'preview:full-stack',
  'preview:frontend-only',
  'preview:skip',
  'preview:rebuild',
  'preview:approved',
  'db:fresh',
  'db:branch',
  'db:snapshot',
  'db:seed-from-production',
  'ttl',
] as const;
export type LabelOption = (typeof LABEL_OPTIONS)[number];

/**
 * What the walking skeleton builds. Stages pass a larger set as they learn new options; an option
 * outside the set is reported as "not yet supported" and its default is used — never faked.
 */
export const SUPPORTED_LABEL_OPTIONS: ReadonlySet<LabelOption> = new Set<LabelOption>([
  'preview:full-stack',
  'preview:frontend-only',
  'preview:skip',
  'preview:rebuild',
  'preview:approved',
  'db:fresh',
  'db:branch',
  'db:snapshot',
  'db:seed-from-production',
  'ttl',
]);

export const TTL_DEFAULT_MS = 72 * 3_600_000;
export const TTL_MIN_MS = 15 * 60_000;
export const TTL_MAX_MS = 14 * 86_400_000;

export const DEFAULT_CONFIG: Readonly<PreviewConfig> = Object.freeze({
  skip: false,
  mode: 'full-stack',
  rebuild: false,
  approved: false,
  database: 'fresh',
  databaseFromLabel: false,
  ttlMs: TTL_DEFAULT_MS,
});
