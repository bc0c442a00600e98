import { describe, expect, it } from 'vitest';
import { mergeLayers, parseReference, previewSecretName, scopeKey } from './secret-scopes.js';

describe('scopeKey', () => {
  it('keys each layer by what it belongs to, case-folded', () => {
    const target = { repository: 'Acme/Shop', prNumber: 7 };
    expect(scopeKey('installation', target)).toBe('installation:acme');
    expect(scopeKey('repository', target)).toBe('repository:acme/shop');
    expect(scopeKey('pull_request', target)).toBe('pull_request:acme/shop#7');
  });

  it('refuses a pull_request scope without a number', () => {
    expect(() => scopeKey('pull_request', { repository: 'acme/shop' })).toThrow(/PR number/);
  });
});

describe('mergeLayers', () => {
  it('lets the pull request override the repository, and the repository the installation', () => {
    const merged = mergeLayers([
      { name: 'api_key', layer: 'pull_request', value: 'pr' },
      { name: 'api_key', layer: 'installation', value: 'default' },
      { name: 'api_key', layer: 'repository', value: 'repo' },
      { name: 'sentry_dsn', layer: 'installation', value: 'dsn' },
      { name: 'stripe', layer: 'repository', reference: 'shop/stripe-test' },
    ]);
    expect(merged.get('api_key')).toMatchObject({ layer: 'pull_request', value: 'pr' });
    expect(merged.get('sentry_dsn')).toMatchObject({ layer: 'installation', value: 'dsn' });
    expect(merged.get('stripe')).toMatchObject({ reference: 'shop/stripe-test' });
  });
});

describe('parseReference', () => {
  it('splits an optional JSON key', () => {
    expect(parseReference('shop/stripe')).toEqual({ secretId: 'shop/stripe' });
    expect(parseReference('shop/db#password')).toEqual({
      secretId: 'shop/db',
      jsonKey: 'password',
    });
  });
});

describe('previewSecretName', () => {
  it('is deterministic per PR and incarnation, so a reopened PR never meets a pending deletion', () => {
    const target = { repository: 'Acme/Shop', prNumber: 7 };
    expect(previewSecretName('berth/preview/', target, 3)).toBe('berth/preview/acme/shop/pr-7/g3');
    expect(previewSecretName('berth/preview', target, 5)).not.toBe(
      previewSecretName('berth/preview', target, 3),
    );
  });
});
