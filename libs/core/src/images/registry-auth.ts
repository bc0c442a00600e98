// Operator credentials for private registries, in the format `docker login` writes
// (~/.docker/config.json): `{"auths": {"ghcr.io": {"username": "…", "password": "…"}}}` or
// `{"auth": base64("user:password")}`. Parsed and validated here; the file is read by the worker.

import { registryKeys } from './image-reference.js';

export interface RegistryCredential {
  username: string;
  password: string;
}

/** Registry host (as written in the file, lower-cased, scheme and path dropped) → credential. */
export type RegistryAuth = ReadonlyMap<string, RegistryCredential>;

export class RegistryAuthError extends Error {
  override readonly name = 'RegistryAuthError';
}

/**
 * `source` names where the text came from (e.g. `REGISTRY_AUTH_FILE /etc/berth/auth.json`), so
 * every message says which setting to fix. Messages never contain a credential.
 */
export function parseRegistryAuth(text: string, source: string): RegistryAuth {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RegistryAuthError(`${source} is not valid JSON (${(error as Error).message})`);
  }
  const auths = (data as { auths?: unknown } | null)?.auths;
  if (!isObject(data) || !isObject(auths)) {
    throw new RegistryAuthError(
      `${source} must be a JSON object with "auths": {"<registry host>": {"username": "…", "password": "…"}}`,
    );
  }
  const out = new Map<string, RegistryCredential>();
  for (const [key, entry] of Object.entries(auths)) {
    const host = normalizeHost(key);
    if (!host) throw new RegistryAuthError(`${source}: "${key}" is not a registry host`);
    out.set(host, credentialOf(entry, `${source}: auths["${key}"]`));
  }
  return out;
}

/** The credential for an image's registry, trying the spellings docker's files use. */
export function credentialFor(auth: RegistryAuth, registry: string): RegistryCredential | null {
  for (const key of registryKeys(registry)) {
    const found = auth.get(normalizeHost(key));
    if (found) return found;
  }
  return null;
}

function credentialOf(entry: unknown, where: string): RegistryCredential {
  if (!isObject(entry)) {
    throw new RegistryAuthError(`${where} must be an object with username and password, or auth`);
  }
  const { username, password, auth } = entry as Record<string, unknown>;
  if (typeof username === 'string' && typeof password === 'string' && username && password) {
    return { username, password };
  }
  if (typeof auth === 'string' && auth) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && colon < decoded.length - 1) {
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    throw new RegistryAuthError(`${where}.auth must be base64 of "username:password"`);
  }
  throw new RegistryAuthError(
    `${where} needs "username" and "password" (non-empty strings), or "auth" (base64 of "username:password")`,
  );
}

/** `https://ghcr.io/v2/` → `ghcr.io`; Docker Hub's legacy key stays as docker writes it. */
function normalizeHost(key: string): string {
  const trimmed = key.trim().toLowerCase();
  if (trimmed === 'https://index.docker.io/v1/') return trimmed;
  return trimmed.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
