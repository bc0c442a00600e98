import { describe, expect, it } from 'vitest';
import { newSecretRefs, resolveSecretRefs, secretMarkers } from './secret-refs.js';

describe('secret markers', () => {
  const refs = newSecretRefs(['db', 'db_password']);
  const markers = secretMarkers(refs);

  it('swaps every marker anywhere in the model, prefixes of other names included', () => {
    const model = {
      environment: { web: { DATABASE_URL: `postgres://shop:${markers['db_password']}@db/shop` } },
      command: ['run', `--token=${markers['db']}`],
      port: 80,
    };
    expect(resolveSecretRefs(model, refs, { db: 'tok', db_password: 'pw' })).toEqual({
      environment: { web: { DATABASE_URL: 'postgres://shop:pw@db/shop' } },
      command: ['run', '--token=tok'],
      port: 80,
    });
    // The stored model keeps markers only.
    expect(JSON.stringify(model)).not.toContain('pw@');
  });

  it('leaves a marker of another revision (or typed by hand) as text', () => {
    const forged = '@@berth-secret:AAAAAAAAAAAA:db@@';
    expect(resolveSecretRefs({ x: forged }, refs, { db: 'tok', db_password: 'pw' })).toEqual({
      x: forged,
    });
  });

  it('refuses to start a container with a missing value, naming the secret', () => {
    expect(() => resolveSecretRefs({ x: markers['db'] }, refs, {})).toThrow(/secret db is missing/);
  });
});
