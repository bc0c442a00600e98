import { isRepositoryFullName, restrictionAllows } from '@berth/core';
import type { Principal } from '../auth/principal.js';
import { notFound } from '../problem/problem.js';

/**
 * `owner/name` (lowercased) when the token may see it; else the same 404 as a repository Berth
 * never saw, so a restricted token learns nothing about the others.
 */
export function visibleRepository(principal: Principal, owner: string, name: string): string {
  const repository = `${owner}/${name}`;
  if (!isRepositoryFullName(repository) || !restrictionAllows(principal.restriction, repository)) {
    throw notFound(`no repository ${repository}`);
  }
  return repository.toLowerCase();
}
