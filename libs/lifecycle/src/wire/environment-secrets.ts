import { randomBytes } from 'node:crypto';

/** 24 random bytes, base64url: 32 characters safe in URLs, DSNs and shell words. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

export interface ResolvedSecrets {
  values: Record<string, string>;
  generated: string[];
  reused: string[];
}

/**
 * Generated once per environment: a name already known (from an earlier generation's wiring)
 * keeps its value — the database volume was initialised with it — and only new names are
 * generated. `known` is newest first; the first value found for a name wins.
 */
export function resolveSecrets(
  names: readonly string[],
  known: ReadonlyArray<Readonly<Record<string, string>>>,
  generate: () => string = generateSecret,
): ResolvedSecrets {
  const values: Record<string, string> = {};
  const generated: string[] = [];
  const reused: string[] = [];
  for (const name of names) {
    const previous = known
      .map((k) => (Object.hasOwn(k, name) ? k[name] : undefined))
      .find((v): v is string => typeof v === 'string' && v !== '');
    if (previous !== undefined) {
      values[name] = previous;
      reused.push(name);
    } else {
      values[name] = generate();
      generated.push(name);
    }
  }
  return { values, generated, reused };
}
