// Production exclusion (issue 9): the operator says what production looks like; a preview that
// would receive such a secret, directly or through a layer, fails its wire stage. Values never
// appear in the messages — only the secret's name and the rule it matched.

export interface ProductionRules {
  /** Secrets Manager tags that mark production, e.g. `environment=production`. */
  tags: ReadonlyArray<{ key: string; value: string }>;
  /** Secret-name prefixes, e.g. `prod/`. */
  prefixes: readonly string[];
  /** Exact secret names. */
  names: readonly string[];
}

export interface HostRules {
  /** Host patterns a preview must never call: `api.shop.com`, `*.prod.shop.com`. */
  production: readonly string[];
  /** Host patterns a preview should not call: shown as warnings. */
  staging: readonly string[];
}

export const NO_PRODUCTION_RULES: ProductionRules = { tags: [], prefixes: [], names: [] };

/** From operator settings: comma-separated lists (`PRODUCTION_SECRET_TAGS=environment=production`). */
export function parseProductionRules(input: {
  tags?: string;
  prefixes?: string;
  names?: string;
}): ProductionRules {
  const tags = list(input.tags).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) {
      throw new Error(
        `PRODUCTION_SECRET_TAGS: "${pair}" is not key=value — e.g. environment=production`,
      );
    }
    return { key: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
  });
  return { tags, prefixes: list(input.prefixes), names: list(input.names) };
}

/** From operator settings: PRODUCTION_HOSTS and STAGING_HOSTS, comma-separated patterns. */
export function parseHostRules(input: {
  production?: string | undefined;
  staging?: string | undefined;
}): HostRules {
  return { production: list(input.production), staging: list(input.staging) };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** What a secret looks like to the rules: its name or ARN, and its tags when it has them. */
export interface SecretIdentity {
  name: string;
  arn?: string;
  tags?: ReadonlyArray<{ key: string; value: string }>;
}

/** The rule a secret matches, described for an operator, or undefined when it is allowed. */
export function productionRuleFor(
  secret: SecretIdentity,
  rules: ProductionRules,
): string | undefined {
  const ids = [secret.name, ...(secret.arn ? [secret.arn, arnName(secret.arn)] : [])];
  const name = rules.names.find((n) => ids.includes(n));
  if (name) return `its name is listed in PRODUCTION_SECRET_NAMES`;
  const prefix = rules.prefixes.find((p) => ids.some((id) => id.startsWith(p)));
  if (prefix) return `its name starts with "${prefix}" (PRODUCTION_SECRET_PREFIXES)`;
  const tag = rules.tags.find((rule) =>
    (secret.tags ?? []).some((t) => t.key === rule.key && t.value === rule.value),
  );
  if (tag) return `it is tagged ${tag.key}=${tag.value} (PRODUCTION_SECRET_TAGS)`;
  return undefined;
}

/** The secret name inside an ARN (AWS appends `-` and six characters to it). */
function arnName(arn: string): string {
  const match = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(arn);
  return match?.[1] ?? arn;
}

export interface HostFinding {
  service: string;
  variable: string;
  host: string;
  pattern: string;
  kind: 'production' | 'staging';
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * Hard-coded URLs to hosts the operator declared staging or production, in the rendered
 * environment of every service (the seed's `API_URL=https://staging-api…`). Only the variable
 * and host are reported: the value may hold credentials.
 */
export function findDeclaredHosts(
  environment: Readonly<Record<string, Readonly<Record<string, string>>>>,
  rules: HostRules,
): HostFinding[] {
  const findings: HostFinding[] = [];
  for (const [service, vars] of Object.entries(environment)) {
    for (const [variable, value] of Object.entries(vars)) {
      for (const host of hostsIn(value)) {
        for (const kind of ['production', 'staging'] as const) {
          const pattern = rules[kind].find((p) => hostMatches(host, p));
          if (pattern) {
            findings.push({ service, variable, host, pattern, kind });
            break;
          }
        }
      }
    }
  }
  return findings;
}

function hostsIn(value: string): string[] {
  const hosts = new Set<string>();
  for (const match of value.matchAll(URL_IN_TEXT)) {
    try {
      hosts.add(new URL(match[0]).hostname.toLowerCase());
    } catch {
      // Not a URL after all (e.g. a template left as text): nothing to check.
    }
  }
  return [...hosts];
}

/** `*.shop.com` matches any subdomain of shop.com (not shop.com itself); others match exactly. */
export function hostMatches(host: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return h === p;
}
