import { formatDuration, parseTtl } from '../units/duration.js';
import {
  DEFAULT_CONFIG,
  type DatabaseMode,
  LABEL_OPTIONS,
  type LabelOption,
  type PreviewConfig,
  type PreviewMode,
  SUPPORTED_LABEL_OPTIONS,
  TTL_MAX_MS,
} from './label-config.js';

/**
 * The shortest `ttl:` label: 1 minute (a PR that only needs a quick look, and tests). The
 * operator's TTL_MAX_HOURS caps the longest where it is applied (decision 0020); TTL_MAX_MS is
 * the parser's own bound.
 */
export const TTL_LABEL_MIN_MS = 60_000;

export interface LabelProblem {
  label: string;
  message: string;
}

export interface ParsedLabels {
  config: PreviewConfig;
  /** Unknown labels in Berth's namespaces, conflicts and bad values: show them on the PR. */
  problems: LabelProblem[];
  /** Known options this Berth does not build yet; their defaults were used instead. */
  unsupported: LabelProblem[];
  /** A `ttl:` label set `config.ttlMs` (without one the repository's default applies). */
  ttlFromLabel: boolean;
}

export interface ParseLabelsOptions {
  supported?: ReadonlySet<LabelOption>;
}

const NAMESPACES = ['preview:', 'db:', 'ttl:'];
const KNOWN_FLAGS: readonly LabelOption[] = LABEL_OPTIONS.filter((option) => option !== 'ttl');
const KNOWN_LIST = `${KNOWN_FLAGS.join(', ')}, ttl:<duration>`;

/**
 * Conflict resolution is deterministic and independent of label order:
 * - `preview:full-stack` beats `preview:frontend-only` (complete is the product's promise);
 * - among `db:*`, the mode exposing least data wins: fresh, then branch, then snapshot;
 * - among several `ttl:*`, the shortest wins (cost-safe).
 */
const MODE_PRECEDENCE: readonly PreviewMode[] = ['full-stack', 'frontend-only'];
const DB_PRECEDENCE: readonly DatabaseMode[] = ['fresh', 'branch', 'snapshot'];

export function parseLabels(
  labels: readonly string[],
  options: ParseLabelsOptions = {},
): ParsedLabels {
  const supported = options.supported ?? SUPPORTED_LABEL_OPTIONS;
  const config: PreviewConfig = { ...DEFAULT_CONFIG };
  const problems: LabelProblem[] = [];
  const unsupported: LabelProblem[] = [];
  const modes: { mode: PreviewMode; label: string }[] = [];
  const databases: { mode: DatabaseMode; label: string }[] = [];
  const ttls: { ms: number; label: string }[] = [];

  const isSupported = (option: LabelOption, label: string, fallback: string): boolean => {
    if (supported.has(option)) return true;
    unsupported.push({ label, message: `\`${label}\` is not yet supported; ${fallback}` });
    return false;
  };

  // Sorted and de-duplicated: the result never depends on the order GitHub lists labels in.
  const seen = [...new Set(labels.map((l) => l.trim()))].sort();
  for (const label of seen) {
    const key = label.toLowerCase();
    if (!NAMESPACES.some((ns) => key.startsWith(ns))) continue;

    if (key.startsWith('ttl:')) {
      if (
        !isSupported(
          'ttl',
          label,
          `the default TTL of ${formatDuration(DEFAULT_CONFIG.ttlMs)} applies`,
        )
      )
        continue;
      let ms: number;
      try {
        ms = parseTtl(key.slice(4));
      } catch (error) {
        problems.push({ label, message: (error as Error).message });
        continue;
      }
      if (ms < TTL_LABEL_MIN_MS || ms > TTL_MAX_MS) {
        const bound = ms < TTL_LABEL_MIN_MS ? TTL_LABEL_MIN_MS : TTL_MAX_MS;
        problems.push({
          label,
          message: `TTL must be between ${formatDuration(TTL_LABEL_MIN_MS)} and ${formatDuration(TTL_MAX_MS)}; using ${formatDuration(bound)}`,
        });
        ms = bound;
      }
      ttls.push({ ms, label });
      continue;
    }

    switch (key as LabelOption) {
      case 'preview:full-stack':
      case 'preview:frontend-only': {
        const mode = key.slice('preview:'.length) as PreviewMode;
        if (isSupported(key as LabelOption, label, `using ${DEFAULT_CONFIG.mode}`)) {
          modes.push({ mode, label });
        }
        break;
      }
      case 'preview:skip':
        if (isSupported('preview:skip', label, 'the preview is built')) config.skip = true;
        break;
      case 'preview:rebuild':
        if (isSupported('preview:rebuild', label, 'the build cache is used')) config.rebuild = true;
        break;
      case 'preview:approved':
        if (isSupported('preview:approved', label, 'fork PRs stay held')) config.approved = true;
        break;
      case 'db:fresh':
      case 'db:branch':
      case 'db:snapshot':
      case 'db:seed-from-production': {
        // The older name of `db:snapshot`, kept working.
        const mode = (
          key === 'db:seed-from-production' ? 'snapshot' : key.slice(3)
        ) as DatabaseMode;
        if (isSupported(key as LabelOption, label, `using db:${DEFAULT_CONFIG.database}`)) {
          databases.push({ mode, label });
        }
        break;
      }
      default:
        problems.push({ label, message: `unknown label \`${label}\` — known: ${KNOWN_LIST}` });
    }
  }

  config.mode = pick(modes, MODE_PRECEDENCE, config.mode, problems, 'preview mode');
  config.database = pick(databases, DB_PRECEDENCE, config.database, problems, 'database mode');
  config.databaseFromLabel = databases.length > 0;
  if (ttls.length > 0) {
    const shortest = ttls.reduce((a, b) => (b.ms < a.ms ? b : a));
    config.ttlMs = shortest.ms;
    if (ttls.length > 1) {
      for (const ttl of ttls) {
        if (ttl === shortest) continue;
        problems.push({
          label: ttl.label,
          message: `several TTL labels; the shortest, \`${shortest.label}\`, applies`,
        });
      }
    }
  }
  return { config, problems, unsupported, ttlFromLabel: ttls.length > 0 };
}

function pick<T extends string>(
  found: { mode: T; label: string }[],
  precedence: readonly T[],
  fallback: T,
  problems: LabelProblem[],
  what: string,
): T {
  if (found.length === 0) return fallback;
  const winner = [...found].sort(
    (a, b) => precedence.indexOf(a.mode) - precedence.indexOf(b.mode),
  )[0];
  if (!winner) return fallback;
  for (const other of found) {
    if (other.mode === winner.mode) continue;
    problems.push({
      label: other.label,
      message: `conflicts with \`${winner.label}\`; only one ${what} applies, \`${winner.label}\` wins`,
    });
  }
  return winner.mode;
}
