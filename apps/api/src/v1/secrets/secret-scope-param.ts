import type { ScopeTarget, SecretLayer } from '@berth/core';
import type { Principal } from '../auth/principal.js';
import { invalid, ProblemException } from '../problem/problem.js';

/** Where one REST secret lives: a layer and the target that names its scope. */
export interface SecretScope {
  layer: SecretLayer;
  target: ScopeTarget;
  /** As the API spells it: `installation`, `repository`, `pr-7`. */
  label: string;
}

/**
 * `:scope` of `/repositories/:owner/:name/secrets/:scope/:key`: `installation` (the owner's
 * preview defaults), `repository`, or `pr-<number>`. The installation layer reaches every
 * repository of the owner, so a token limited to one repository may not change it.
 */
export function secretScopeParam(
  scope: string,
  repository: string,
  principal: Principal,
): SecretScope {
  if (scope === 'repository') return { layer: 'repository', target: { repository }, label: scope };
  const pr = /^pr-([1-9]\d{0,9})$/.exec(scope)?.[1];
  if (pr !== undefined) {
    return {
      layer: 'pull_request',
      target: { repository, prNumber: Number(pr) },
      label: scope,
    };
  }
  if (scope === 'installation') {
    const owner = repository.split('/')[0] ?? '';
    const restriction = principal.restriction;
    if (restriction !== null && restriction.toLowerCase() !== `${owner.toLowerCase()}/*`) {
      throw new ProblemException(
        'forbidden',
        403,
        `${principal.name} is limited to ${restriction}: the installation scope reaches every repository of ${owner}`,
        { fix: `use a token limited to ${owner}/* or unrestricted` },
      );
    }
    return { layer: 'installation', target: { repository }, label: scope };
  }
  throw invalid('path.scope', 'must be installation, repository or pr-<number>, e.g. pr-7');
}

/** The scope label of a listed entry. */
export function scopeLabel(layer: SecretLayer, pullRequest: number | undefined): string {
  return layer === 'pull_request' ? `pr-${pullRequest ?? 0}` : layer;
}
