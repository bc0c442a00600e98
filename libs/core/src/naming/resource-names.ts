import { MAX_LABEL_LENGTH, fitName, normalizeBaseDomain } from './dns-label.js';
import { shortHash } from './hash.js';
import { type EnvironmentIdentity, assertPrNumber, repoNameSlug, repoSlug } from './identity.js';
import { slugify } from './slug.js';

/**
 * Deterministic names of everything Berth creates for one environment. Every name derives from
 * the identity (repository + PR), carries the `berth` prefix the reconciler looks for, and is
 * at most 63 chars (shortened with a hash of the full name past that).
 */

/** Compose service and volume names: the compose spec allows [a-zA-Z0-9._-]. */
function componentSlug(kind: string, value: string): string {
  const slug = slugify(value);
  if (slug === '') throw new Error(`${kind} name \`${value}\` has no usable characters [a-z0-9]`);
  // A lossy component (`api_v2` vs `api-v2`, or `API` vs `api`: compose names are
  // case-sensitive) keeps a hash so two services never share a name.
  return slug === value ? slug : `${slug}-${shortHash(value, 6)}`;
}

function stem(id: EnvironmentIdentity): string {
  assertPrNumber(id.pr);
  return `berth-${repoSlug(id.repository)}-pr-${id.pr}`;
}

/**
 * The stem of a resource in the environment's slot: slot 0 keeps the names every preview had
 * before slots; slot 1 adds `--b`, which no service, volume or network slug can start with.
 */
function slotStem(id: EnvironmentIdentity): string {
  const slot = id.slot ?? 0;
  if (slot !== 0 && slot !== 1) throw new Error(`environment slot must be 0 or 1, got ${slot}`);
  return slot === 0 ? stem(id) : `${stem(id)}--b`;
}

/**
 * Docker network: `berth-<owner>--<repo>-pr-<n>` for compose's `default` network (the name every
 * preview had before it had several), `berth-<owner>--<repo>-pr-<n>-net-<network>` for the others.
 */
export function networkName(id: EnvironmentIdentity, composeNetwork = 'default'): string {
  if (composeNetwork === 'default') return fitName(slotStem(id));
  return fitName(`${slotStem(id)}-net-${componentSlug('network', composeNetwork)}`);
}

/** Docker container: `berth-<owner>--<repo>-pr-<n>-<service>`. */
export function containerName(id: EnvironmentIdentity, service: string): string {
  return fitName(`${slotStem(id)}-${componentSlug('service', service)}`);
}

/** Docker volume for a compose named volume: `berth-<owner>--<repo>-pr-<n>-<volume>`. */
export function volumeName(id: EnvironmentIdentity, volume: string): string {
  return fitName(`${slotStem(id)}-${componentSlug('volume', volume)}`);
}

/**
 * Postgres database name: lowercase [a-z0-9_], starts with a letter, ≤ 63 bytes (longer names
 * are silently truncated by Postgres, which could merge two environments — so we shorten first).
 */
export function databaseName(id: EnvironmentIdentity): string {
  return fitName(stem(id).replace(/-/g, '_'), MAX_LABEL_LENGTH, '_');
}

/** Postgres role for an environment's database, same rules as `databaseName`. */
export function databaseRoleName(id: EnvironmentIdentity): string {
  return fitName(`${stem(id).replace(/-/g, '_')}_app`, MAX_LABEL_LENGTH, '_');
}

/**
 * Image reference for a built service: `berth/<owner>--<repo>-<service>:<hash>`. The tag is the
 * build-input hash (see `build/`), so it is shared by every PR of the repository with the same
 * inputs — that is the point: same inputs, no build.
 */
export function imageTag(
  repository: EnvironmentIdentity['repository'],
  service: string,
  buildHash: string,
): string {
  if (!/^[a-f0-9]{12,64}$/.test(buildHash)) {
    throw new Error(`build hash must be 12-64 lowercase hex chars, got \`${buildHash}\``);
  }
  const repo = fitName(`${repoSlug(repository)}-${componentSlug('service', service)}`, 200);
  return `berth/${repo}:${buildHash}`;
}

// Letters only, so the generation is the last all-digit part and the id parses back uniquely.
const STAGE = /^(?=.{1,32}$)[a-z]+(?:-[a-z]+)*$/;
const ENV_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * BullMQ job id `{envId}-{generation}-{stage}`. BullMQ rejects `:` in custom ids (it is its key
 * separator), so every part is checked; a duplicate enqueue of the same stage collapses.
 */
export function jobId(envId: string, generation: number, stage: string): string {
  if (!ENV_ID.test(envId)) {
    throw new Error(`environment id \`${envId}\` must be 1-64 chars of [A-Za-z0-9_-] (no \`:\`)`);
  }
  if (!Number.isSafeInteger(generation) || generation < 1) {
    throw new Error(`generation must be a positive integer, got ${String(generation)}`);
  }
  if (!STAGE.test(stage)) {
    throw new Error(`stage \`${stage}\` must match ${STAGE.source}`);
  }
  return `${envId}-${generation}-${stage}`;
}

/**
 * The environment's own DNS label, `pr-{n}-{repo}-{hash}`: every service of one preview sits
 * under it, so a cookie can be scoped to one environment and no further (decision 0015). The
 * hash is 10 hex chars (40 bits) of `owner/name`: `acme/shop#1` and `evil/shop#1` never share
 * a host, and finding an owner name that collides costs ~10^12 tries, not a laptop-minute.
 */
export function environmentLabel(id: EnvironmentIdentity): string {
  assertPrNumber(id.pr);
  const hash = shortHash(id.repository.fullName, 10);
  return fitName(`pr-${id.pr}-${repoNameSlug(id.repository)}-${hash}`);
}

/** A service's label inside its environment's domain (the compose service name, as a label). */
export function serviceLabel(service: string): string {
  return fitName(componentSlug('service', service));
}

/** `pr-{n}-{repo}-{hash}.{baseDomain}`: the domain every Berth cookie of one preview is scoped to. */
export function environmentDomain(id: EnvironmentIdentity, baseDomain: string): string {
  return `${environmentLabel(id)}.${normalizeBaseDomain(baseDomain)}`;
}

/** `{service}.pr-{n}-{repo}-{hash}.{baseDomain}`, two labels under the base domain. */
export function previewHostname(
  id: EnvironmentIdentity,
  service: string,
  baseDomain: string,
): string {
  return `${serviceLabel(service)}.${environmentDomain(id, baseDomain)}`;
}

export interface PreviewUrlOptions {
  baseDomain: string;
  scheme?: 'http' | 'https';
  /** The gateway's public port, when not the scheme's default (local: `8080`). */
  port?: number;
}

/** `https://web.pr-7-shop-<hash>.example.com`, or `http://web.pr-7-shop-<hash>.localhost:8080` locally. */
export function previewUrl(
  id: EnvironmentIdentity,
  service: string,
  options: PreviewUrlOptions,
): string {
  const scheme = options.scheme ?? 'https';
  const host = previewHostname(id, service, options.baseDomain);
  const { port } = options;
  if (
    port === undefined ||
    (scheme === 'https' && port === 443) ||
    (scheme === 'http' && port === 80)
  ) {
    return `${scheme}://${host}`;
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`gateway port must be 1-65535, got ${String(port)}`);
  }
  return `${scheme}://${host}:${port}`;
}
