import { describe, expect, it } from 'vitest';
import { environmentIdentity, environmentKey } from './identity.js';
import { resourceLabels } from './resource-labels.js';

describe('resourceLabels', () => {
  const id = environmentIdentity('Acme/Shop', 7);

  it('labels environment resources', () => {
    expect(resourceLabels(id)).toEqual({
      'berth.managed': 'true',
      'berth.env': 'acme/shop#7',
      'berth.repo': 'acme/shop',
      'berth.pr': '7',
    });
  });

  it('adds the service for containers', () => {
    expect(resourceLabels(id, 'api')['berth.service']).toBe('api');
  });

  it('uses the environment key as berth.env', () => {
    expect(resourceLabels(id)['berth.env']).toBe(environmentKey('acme/shop', 7));
  });

  it('rejects a corrupted identity', () => {
    expect(() => resourceLabels({ ...id, pr: -1 })).toThrow(/positive integer/);
  });
});
