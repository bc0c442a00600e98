import { describe, expect, it } from 'vitest';
import { credentialsIn, isSecretName, secretValuesOf } from './secret-values.js';

describe('isSecretName', () => {
  it('knows credential names, not the names of where a credential is', () => {
    for (const name of [
      'POSTGRES_PASSWORD',
      'DB_PASSWD',
      'JWT_SECRET',
      'GITHUB_TOKEN',
      'STRIPE_API_KEY',
      'AWS_SECRET_ACCESS_KEY',
      'SIGNING_KEY',
      'SENTRY_DSN',
      'GOOGLE_CREDENTIALS',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of [
      'PORT',
      'NODE_ENV',
      'DATABASE_URL',
      'POSTGRES_PASSWORD_FILE',
      'TOKEN_URL',
      'KEYCLOAK_HOST',
      'SHOP_QUEUE_PREFIX',
      'MONKEY',
    ]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});

describe('credentialsIn', () => {
  it('takes passwords out of URLs, as written and decoded', () => {
    expect(credentialsIn('postgres://shop:p%40ss%2Fword@db:5432/shop')).toEqual([
      'p%40ss%2Fword',
      'p@ss/word',
    ]);
    expect(credentialsIn('redis://:only-a-password@redis:6379')).toEqual([
      'only-a-password',
      'only-a-password',
    ]);
    expect(credentialsIn('http://example.com/a:b@c')).toEqual([]);
  });

  it('takes passwords out of key=value connection strings', () => {
    expect(credentialsIn(`host=db password='it\\'s long' dbname=x`)).toEqual([`it's long`]);
    expect(credentialsIn('Server=db;User Id=sa;Password=Str0ng!Pass;')).toEqual(['Str0ng!Pass']);
  });
});

describe('secretValuesOf', () => {
  it('collects generated secrets, secret-named and embedded values, operator and registry credentials', () => {
    const values = secretValuesOf({
      wirings: [
        {
          secrets: { db_password: 'generated-1' },
          environment: {
            api: {
              DATABASE_URL: 'postgres://shop:generated-1@db/shop',
              JWT_SECRET: 'jwt-secret-value',
              PORT: '3001',
              NODE_ENV: 'production',
            },
          },
        },
        // An older generation's value is still known (a log line may be older than the push).
        { secrets: { db_password: 'generated-0' } },
      ],
      operatorVariables: {
        SHOP_NODE_IMAGE: 'berth-fixture/node:24',
        STRIPE_API_KEY: 'sk_test_operator',
        UPSTREAM: 'https://bot:operator-pw@upstream.example',
      },
      registryAuth: new Map([['ghcr.io', { username: 'robot', password: 'registry-pw' }]]),
      values: ['scoped-secret'],
    });
    expect(values.sort()).toEqual(
      [
        'generated-1',
        'jwt-secret-value',
        'generated-0',
        'sk_test_operator',
        'operator-pw',
        'registry-pw',
        'scoped-secret',
      ].sort(),
    );
  });

  it('is empty for an environment not wired yet', () => {
    expect(secretValuesOf({})).toEqual([]);
    expect(secretValuesOf({ wirings: [{}] })).toEqual([]);
  });
});
