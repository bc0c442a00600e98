// Which repositories Berth builds for. Secure by default: an installation of the App on some
// other account gets nothing built unless the operator named that owner or repository (see
// docs/decisions/0007-secret-envelope-and-allowlist.md).

export interface Allowlist {
  /** Lowercased owners (`acme`), or `*` for every owner. */
  owners: ReadonlySet<string>;
  /** Lowercased `owner/name`s. */
  repositories: ReadonlySet<string>;
}

/** Parses the comma lists ALLOWED_OWNERS and ALLOWED_REPOSITORIES. */
export function parseAllowlist(
  owners: string | undefined,
  repositories: string | undefined,
): Allowlist {
  const list = (value: string | undefined) =>
    new Set(
      (value ?? '')
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean),
    );
  return { owners: list(owners), repositories: list(repositories) };
}

export type Admission = { admitted: true } | { admitted: false; reason: string };

/**
 * Whether deliveries for `fullName` may build. A repository is admitted when its owner or its
 * name is allowlisted, or the operator stored settings for it; an operator's `enabled: false`
 * refuses it even then.
 */
export function admitRepository(
  fullName: string,
  allowlist: Allowlist,
  settings: { stored: boolean; enabled: boolean },
): Admission {
  const name = fullName.toLowerCase();
  if (settings.stored && !settings.enabled) {
    return {
      admitted: false,
      reason: `repository ${fullName} is disabled by the operator (berth repo set ${fullName} --enable)`,
    };
  }
  const owner = name.split('/')[0] ?? '';
  if (
    settings.stored ||
    allowlist.owners.has('*') ||
    allowlist.owners.has(owner) ||
    allowlist.repositories.has(name)
  ) {
    return { admitted: true };
  }
  return {
    admitted: false,
    reason:
      `repository ${fullName} is not on the allowlist: add its owner to ALLOWED_OWNERS or the ` +
      `repository to ALLOWED_REPOSITORIES, or enable it with \`berth repo set ${fullName} --enable\``,
  };
}
