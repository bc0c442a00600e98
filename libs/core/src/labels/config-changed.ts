import { type PreviewConfig } from './label-config.js';

/**
 * The fields whose change means a new generation (new build/provision run), with the reason:
 * - `skip`, `mode`, `database` change what runs;
 * - `rebuild` only when it is turned on (turning it off changes nothing already built);
 * - `ttlMs` never (the TTL is bookkeeping); `approved` never (approval acts through the
 *   state machine's `approved` event on the current generation, pinned to a head SHA).
 */
export function configDifferences(previous: PreviewConfig, next: PreviewConfig): string[] {
  const changed: string[] = [];
  if (previous.skip !== next.skip) changed.push('skip');
  if (previous.mode !== next.mode) changed.push('mode');
  if (previous.database !== next.database || previous.databaseFromLabel !== next.databaseFromLabel)
    changed.push('database');
  if (!previous.rebuild && next.rebuild) changed.push('rebuild');
  return changed;
}

/** Whether a label change must bump the environment's generation. */
export function configChanged(previous: PreviewConfig, next: PreviewConfig): boolean {
  return configDifferences(previous, next).length > 0;
}
