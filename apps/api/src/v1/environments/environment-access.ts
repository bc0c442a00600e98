import { restrictionAllows } from '@berth/core';
import type { EnvironmentQueries, EnvironmentRow } from '@berth/db';
import type { Principal } from '../auth/principal.js';
import { idParam } from '../params.js';
import { notFound } from '../problem/problem.js';

/**
 * An environment as a token may see it: another repository's (outside the token's
 * restriction) is the same 404 as one that does not exist, so a restricted token learns
 * nothing about the rest.
 */
export async function visibleEnvironment(
  environments: EnvironmentQueries,
  principal: Principal,
  id: string,
): Promise<EnvironmentRow> {
  idParam(id, 'environment');
  const env = await environments.find(id);
  if (!env || !restrictionAllows(principal.restriction, env.repository.fullName)) {
    throw notFound(`no environment with id ${id}`);
  }
  return env;
}
