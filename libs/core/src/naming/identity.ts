import { shortHash } from './hash.js';
import { stableSlug } from './slug.js';

/** GitHub's rules: owner is [A-Za-z0-9-]; a repository name is [A-Za-z0-9._-]. */
const OWNER = /^[A-Za-z0-9-]{1,100}$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

export interface RepositoryRef {
  owner: string;
  name: string;
  /** `owner/name` lowercased: GitHub names are case-insensitive. */
  fullName: string;
}

export interface EnvironmentIdentity {
  repository: RepositoryRef;
  pr: number;
  /**
   * Which of the environment's two sets of containers, networks and volumes (0 or 1): a revision
   * that brings migrations starts beside the serving one in the other set (decision 0040).
   * Only resource names use it; hostnames, labels and image tags do not.
   */
  slot?: number;
}

export function parseRepositoryFullName(fullName: string): RepositoryRef {
  const parts = fullName.split('/');
  const [owner, name] = parts;
  if (parts.length !== 2 || !owner || !name || !OWNER.test(owner) || !NAME.test(name)) {
    throw new Error(
      `repository full name \`${fullName}\` is invalid: expected \`owner/name\` with owner [A-Za-z0-9-] and name [A-Za-z0-9._-]`,
    );
  }
  if (name === '.' || name === '..') throw new Error(`repository name \`${name}\` is reserved`);
  return { owner, name, fullName: `${owner}/${name}`.toLowerCase() };
}

/** A pull request's number, or 0: the repository's base environment (BASE_ENVIRONMENT_PR). */
export function assertPrNumber(pr: number): void {
  if (!Number.isSafeInteger(pr) || pr < 0) {
    throw new Error(
      `pull request number must be a positive integer (or 0, the base environment), got ${String(pr)}`,
    );
  }
}

export function environmentIdentity(
  repositoryFullName: string,
  pr: number,
  slot = 0,
): EnvironmentIdentity {
  assertPrNumber(pr);
  const id = { repository: parseRepositoryFullName(repositoryFullName), pr };
  return slot === 0 ? id : { ...id, slot };
}

/**
 * The idempotency key of an environment: `owner/name#pr`, lowercased. Store it unique; every
 * downstream name derives from the same identity.
 */
export function environmentKey(repositoryFullName: string, pr: number): string {
  const { repository } = environmentIdentity(repositoryFullName, pr);
  return `${repository.fullName}#${pr}`;
}

const hash6 = (s: string): string => shortHash(s, 6);

/** Slug of the repository name alone (used in preview hostnames): `shop`, `my-repo-1a2b3c`. */
export function repoNameSlug(repository: RepositoryRef): string {
  return stableSlug(repository.name, hash6);
}

/**
 * Slug of owner and name joined by `--`. Each part is a `stableSlug` (never contains `--`), so the
 * join is unambiguous: `a-b/c` → `a-b--c` and `a/b-c` → `a--b-c`.
 */
export function repoSlug(repository: RepositoryRef): string {
  return `${stableSlug(repository.owner, hash6)}--${stableSlug(repository.name, hash6)}`;
}
