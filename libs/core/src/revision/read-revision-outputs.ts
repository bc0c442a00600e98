// The one reader of the JSON the build and wire stages store on a revision. Stored JSON is
// untrusted at the type level (older rows, a half-written revision, a manual edit), so every
// field is checked here once instead of cast at each use.

import type { ComposeSpec } from '../compose/model.js';
import { E2E_TESTS_IMAGE } from '../compose/x-berth-tests.js';
import type { ReadOnlyRepoMount, RevisionImages, RevisionWiring } from './revision-outputs.js';

/**
 * `Revision.wiring` as read: the same fields, always present (empty until the wire stage has run,
 * so renderers need no `?? {}`), except `spec`, which has no sensible empty value. `wired` says
 * whether the wire stage wrote it; a stage that needs the wiring checks it and names the stage.
 */
export interface WiringRead extends Omit<RevisionWiring, 'spec' | 'secrets'> {
  wired: boolean;
  spec?: ComposeSpec;
  secrets: Record<string, string>;
}

const IMAGE_SOURCES: ReadonlySet<string> = new Set(['built', 'cached', 'image']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function stringsOf(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function portsOf(value: unknown): Record<string, number> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, number] => Number.isInteger(entry[1]) && (entry[1] as number) > 0,
    ),
  );
}

/**
 * Reads `Revision.wiring`. Tolerant: a revision not wired yet (null, `{}`) reads as
 * `wired: false` with empty maps; values of the wrong type are dropped, never passed on.
 */
export function readWiring(json: unknown): WiringRead {
  const w = isRecord(json) ? json : {};
  const environment: Record<string, Record<string, string>> = {};
  if (isRecord(w['environment'])) {
    for (const [service, env] of Object.entries(w['environment'])) {
      if (isRecord(env)) environment[service] = stringsOf(env);
    }
  }
  const spec = w['spec'];
  return {
    // What expose and replicate rely on: the wire stage always writes all four maps at once.
    wired: ['environment', 'urls', 'hostnames', 'ports'].every((k) => isRecord(w[k])),
    ...(isRecord(spec) && isRecord(spec['services'])
      ? { spec: spec as unknown as ComposeSpec }
      : {}),
    environment,
    urls: stringsOf(w['urls']),
    hostnames: stringsOf(w['hostnames']),
    ports: portsOf(w['ports']),
    public: w['public'] === true,
    secrets: stringsOf(w['secrets']),
    ...secretRefsOf(w['secretRefs']),
    ...databaseOf(w['database']),
    ...shapeOf(w['shape']),
  };
}

/** The wire stage wrote it whole (RevisionWiring.shape); anything else is not trusted. */
function shapeOf(value: unknown): Pick<RevisionWiring, 'shape'> {
  if (
    !isRecord(value) ||
    typeof value['name'] !== 'string' ||
    !Array.isArray(value['own']) ||
    !Array.isArray(value['borrowed']) ||
    !isRecord(value['base']) ||
    typeof value['base']['environmentId'] !== 'string'
  ) {
    return {};
  }
  return { shape: value as unknown as NonNullable<RevisionWiring['shape']> };
}

/** The wire stage wrote it whole (RevisionWiring.database); anything else is not trusted. */
function databaseOf(value: unknown): Pick<RevisionWiring, 'database'> {
  if (
    !isRecord(value) ||
    typeof value['service'] !== 'string' ||
    typeof value['action'] !== 'string' ||
    !Array.isArray(value['volumes'])
  ) {
    return {};
  }
  return { database: value as unknown as NonNullable<RevisionWiring['database']> };
}

function secretRefsOf(value: unknown): Pick<RevisionWiring, 'secretRefs'> {
  if (!isRecord(value) || typeof value['nonce'] !== 'string' || !Array.isArray(value['names'])) {
    return {};
  }
  const names = value['names'].filter((n): n is string => typeof n === 'string');
  return { secretRefs: { nonce: value['nonce'], names } };
}

/**
 * Reads `Revision.images`: `{}` before the build stage has run. An entry without a non-empty tag
 * or with an unknown source is dropped (nothing could run it); `durationMs` defaults to 0. The
 * tests image (`x-berth.tests.build`) is not a service: `readTestsImage` reads it.
 */
export function readImages(json: unknown): RevisionImages {
  if (!isRecord(json)) return {};
  const images: RevisionImages = {};
  for (const [service, entry] of Object.entries(json)) {
    if (!isRecord(entry) || service === E2E_TESTS_IMAGE) continue;
    const { tag, source, durationMs, inputHash, readOnlyMounts } = entry;
    if (typeof tag !== 'string' || !tag || typeof source !== 'string') continue;
    if (!IMAGE_SOURCES.has(source)) continue;
    images[service] = {
      tag,
      source: source as RevisionImages[string]['source'],
      durationMs: typeof durationMs === 'number' && Number.isFinite(durationMs) ? durationMs : 0,
      ...(typeof inputHash === 'string' ? { inputHash } : {}),
      ...(Array.isArray(readOnlyMounts) ? { readOnlyMounts: readMounts(readOnlyMounts) } : {}),
    };
  }
  return images;
}

/** The tests image the build stage built (or reused) for `x-berth.tests.build`, if any. */
export function readTestsImage(json: unknown): RevisionImages[string] | undefined {
  if (!isRecord(json) || !isRecord(json[E2E_TESTS_IMAGE])) return undefined;
  const { tag, source, durationMs, inputHash } = json[E2E_TESTS_IMAGE];
  if (typeof tag !== 'string' || !tag || (source !== 'built' && source !== 'cached')) {
    return undefined;
  }
  return {
    tag,
    source,
    durationMs: typeof durationMs === 'number' && Number.isFinite(durationMs) ? durationMs : 0,
    ...(typeof inputHash === 'string' ? { inputHash } : {}),
  };
}

function readMounts(list: unknown[]): ReadOnlyRepoMount[] {
  return list.flatMap((m): ReadOnlyRepoMount[] => {
    if (!isRecord(m) || typeof m['target'] !== 'string') return [];
    const staged = m['staged'];
    if (m['kind'] === 'dir') return [{ target: m['target'], kind: 'dir' }];
    if (
      m['kind'] === 'file' &&
      isRecord(staged) &&
      typeof staged['dir'] === 'string' &&
      typeof staged['name'] === 'string'
    ) {
      return [
        { target: m['target'], kind: 'file', staged: { dir: staged['dir'], name: staged['name'] } },
      ];
    }
    return [];
  });
}
