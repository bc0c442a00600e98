import { describe, expect, it } from 'vitest';
import {
  findDeclaredHosts,
  hostMatches,
  parseProductionRules,
  productionRuleFor,
} from './production-rules.js';

const rules = parseProductionRules({
  tags: 'environment=production, tier=prod',
  prefixes: 'prod/',
  names: 'shop/stripe-live',
});

describe('productionRuleFor', () => {
  it('names the rule a tagged secret matches', () => {
    expect(
      productionRuleFor(
        { name: 'shop/db', tags: [{ key: 'environment', value: 'production' }] },
        rules,
      ),
    ).toBe('it is tagged environment=production (PRODUCTION_SECRET_TAGS)');
  });

  it('matches a prefix or an exact name, also inside an ARN', () => {
    expect(productionRuleFor({ name: 'prod/api-key' }, rules)).toMatch(/starts with "prod\/"/);
    expect(
      productionRuleFor(
        {
          name: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-live-AbC123',
          arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-live-AbC123',
        },
        rules,
      ),
    ).toMatch(/PRODUCTION_SECRET_NAMES/);
  });

  it('allows what matches no rule, including a tag with another value', () => {
    expect(
      productionRuleFor(
        { name: 'shop/stripe-test', tags: [{ key: 'environment', value: 'staging' }] },
        rules,
      ),
    ).toBeUndefined();
  });

  it('refuses a malformed tag rule with the fix', () => {
    expect(() => parseProductionRules({ tags: 'production' })).toThrow(/key=value/);
  });
});

describe('findDeclaredHosts', () => {
  const hosts = {
    production: ['api.shop.com', '*.prod.shop.com'],
    staging: ['*.staging.shop.com'],
  };

  it('flags production and staging hosts in any variable, without the value', () => {
    const found = findDeclaredHosts(
      {
        web: {
          API_URL: 'https://api.staging.shop.com/v1',
          PAYMENTS: 'see https://pay.prod.shop.com/x and http://localhost:3000',
        },
        worker: { DATABASE_URL: 'postgres://u:secret@db.prod.shop.com:5432/app' },
      },
      hosts,
    );
    expect(found).toEqual([
      {
        service: 'web',
        variable: 'API_URL',
        host: 'api.staging.shop.com',
        pattern: '*.staging.shop.com',
        kind: 'staging',
      },
      {
        service: 'web',
        variable: 'PAYMENTS',
        host: 'pay.prod.shop.com',
        pattern: '*.prod.shop.com',
        kind: 'production',
      },
      {
        service: 'worker',
        variable: 'DATABASE_URL',
        host: 'db.prod.shop.com',
        pattern: '*.prod.shop.com',
        kind: 'production',
      },
    ]);
    expect(JSON.stringify(found)).not.toContain('secret');
  });

  it('matches a wildcard only below its domain', () => {
    expect(hostMatches('prod.shop.com', '*.prod.shop.com')).toBe(false);
    expect(hostMatches('evilprod.shop.com', '*.prod.shop.com')).toBe(false);
    expect(hostMatches('a.b.prod.shop.com', '*.prod.shop.com')).toBe(true);
    expect(hostMatches('API.shop.com.', 'api.shop.com')).toBe(true);
  });
});
