import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { ProblemException } from '../problem/problem.js';
import { scopeLabel, secretScopeParam } from './secret-scope-param.js';

const token = (restriction: string | null): Principal => ({
  id: 't',
  name: 'ops',
  scope: 'admin',
  restriction,
});

describe('secretScopeParam', () => {
  it('maps repository, pr-<n> and installation to their layers', () => {
    expect(secretScopeParam('repository', 'acme/shop', token(null))).toEqual({
      layer: 'repository',
      target: { repository: 'acme/shop' },
      label: 'repository',
    });
    expect(secretScopeParam('pr-12', 'acme/shop', token('acme/shop'))).toEqual({
      layer: 'pull_request',
      target: { repository: 'acme/shop', prNumber: 12 },
      label: 'pr-12',
    });
    expect(secretScopeParam('installation', 'acme/shop', token('ACME/*')).layer).toBe(
      'installation',
    );
  });

  it('keeps a one-repository token out of the installation layer', () => {
    const refused = () => secretScopeParam('installation', 'acme/shop', token('acme/shop'));
    expect(refused).toThrow(ProblemException);
    expect(refused).toThrow(/every repository of acme/);
  });

  it('refuses anything else, naming the field', () => {
    for (const bad of ['production', 'pr-0', 'pr-', 'pr-01', 'Repository']) {
      try {
        secretScopeParam(bad, 'acme/shop', token(null));
        expect.unreachable(bad);
      } catch (error) {
        expect((error as ProblemException).extra.errors?.[0]?.field).toBe('path.scope');
      }
    }
  });

  it('labels listed entries the way the path spells them', () => {
    expect(scopeLabel('pull_request', 7)).toBe('pr-7');
    expect(scopeLabel('repository', undefined)).toBe('repository');
  });
});
