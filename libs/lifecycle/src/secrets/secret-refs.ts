// The wire stage renders the compose model with a marker where each secret goes, and stores that
// (Revision.wiring holds no secret values); replicate swaps the markers for the PR scope's values
// just before it hands containers to Docker. The nonce is per revision, so a marker written into
// a compose file by hand matches nothing.

import { randomBytes } from 'node:crypto';

export interface SecretRefs {
  nonce: string;
  /** Every name the revision asked for (`x-berth.secrets`). */
  names: string[];
}

export function newSecretRefs(names: readonly string[]): SecretRefs {
  return { nonce: randomBytes(9).toString('base64url'), names: [...names] };
}

/** Name → marker, for rendering. */
export function secretMarkers(refs: SecretRefs): Record<string, string> {
  return Object.fromEntries(refs.names.map((name) => [name, marker(refs.nonce, name)]));
}

function marker(nonce: string, name: string): string {
  return `@@berth-secret:${nonce}:${name}@@`;
}

const MARKER = /@@berth-secret:([A-Za-z0-9_-]+):([a-z][a-z0-9_]*)@@/g;

/**
 * A deep copy of `value` with every marker of `refs` replaced by its value. A marker whose value
 * is missing is an error naming the secret (never a silent empty string in a password).
 */
export function resolveSecretRefs<T>(
  value: T,
  refs: SecretRefs,
  values: Readonly<Record<string, string>>,
): T {
  const swap = (text: string): string =>
    text.replace(MARKER, (whole, nonce: string, name: string) => {
      if (nonce !== refs.nonce) return whole;
      const found = Object.hasOwn(values, name) ? values[name] : undefined;
      if (found === undefined) {
        throw new Error(
          `secret ${name} is missing from the environment's secret scope: the wire stage writes it; redeploy to write it again`,
        );
      }
      return found;
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return node.includes('@@berth-secret:') ? swap(node) : node;
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return walk(value) as T;
}
