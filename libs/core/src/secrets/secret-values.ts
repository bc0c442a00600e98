// Which values of an environment are secrets, from what Berth holds for it. Pure: the lifecycle's
// `environmentSecretValues` reads the sources and calls this; the redaction masks the result.

import type { RegistryAuth } from '../images/registry-auth.js';
import type { RevisionWiring } from '../revision/revision-outputs.js';

/**
 * A variable name that says its value is a credential. Not names of where a credential is
 * (`*_FILE`, `*_URL`, `*_HOST` …): a path or an address is no secret, and a URL's password is
 * taken out of it separately.
 */
const SECRET_NAME =
  /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|(?:^|_)KEY$|CREDENTIALS?|(?:^|_)DSN$|CONNECTION_STRING/i;
const LOCATION_NAME = /_(?:FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|PORT)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !LOCATION_NAME.test(name);
}

/** scheme://user:password@ — the password as written (maybe percent-encoded). */
const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@/]+)@/gi;
/** password=… in a key=value connection string (libpq `password='x'`, ADO `Password=x;`). */
const DSN_PASSWORD = /\b(?:password|pwd)\s*=\s*('(?:[^'\\]|\\.)*'|"[^"]*"|[^\s;'"]+)/gi;

/**
 * Passwords written inside a value: in URLs (as written and decoded) and in connection strings.
 * Not the user: `user:password` encoded (HTTP Basic, docker `auth`) is found by the masker from
 * the password alone, and the user stays readable.
 */
export function credentialsIn(text: string): string[] {
  const found: string[] = [];
  for (const [, written = ''] of text.matchAll(URL_USERINFO)) {
    found.push(written, decoded(written));
  }
  for (const [, quoted = ''] of text.matchAll(DSN_PASSWORD)) {
    const single = /^'(.*)'$/s.exec(quoted)?.[1];
    const double = /^"(.*)"$/s.exec(quoted)?.[1];
    found.push(single !== undefined ? single.replace(/\\(.)/g, '$1') : (double ?? quoted));
  }
  return found;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface SecretValueSources {
  /** The environment's wirings, every generation (a value may have changed between them). */
  wirings?: readonly Partial<RevisionWiring>[];
  /** Operator variables the repository may read (COMPOSE_VARIABLES_FILE, allowed keys). */
  operatorVariables?: Readonly<Record<string, string>>;
  /** The operator's registry credentials (REGISTRY_AUTH_FILE). */
  registryAuth?: RegistryAuth;
  /** Values that are secrets whatever their name (the coming per-environment secret scopes). */
  values?: Iterable<string>;
}

/**
 * Every secret value among the sources, deduplicated (short ones included: the masker decides
 * what is long enough to mask):
 * - generated secrets (`wiring.secrets`), whatever they are called;
 * - values of secret-named variables in each service's environment (`POSTGRES_PASSWORD`), and
 *   passwords inside any value (`DATABASE_URL=postgres://u:pw@db`);
 * - operator variables with secret names, and passwords inside any of them;
 * - registry passwords;
 * - `values` as given.
 */
export function secretValuesOf(sources: SecretValueSources): string[] {
  const out = new Set<string>();
  const named = (vars: Readonly<Record<string, string>>) => {
    for (const [name, value] of Object.entries(vars)) {
      if (isSecretName(name)) out.add(value);
      for (const found of credentialsIn(value)) out.add(found);
    }
  };
  for (const wiring of sources.wirings ?? []) {
    for (const value of Object.values(wiring.secrets ?? {})) out.add(value);
    for (const env of Object.values(wiring.environment ?? {})) named(env);
  }
  named(sources.operatorVariables ?? {});
  for (const { password } of sources.registryAuth?.values() ?? []) {
    // Not the username (no secret, often a word): `username:password` in base64 (docker's
    // `auth`, X-Registry-Auth) is found by the masker from the password.
    out.add(password);
  }
  for (const value of sources.values ?? []) out.add(value);
  out.delete('');
  return [...out];
}
