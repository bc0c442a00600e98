import { describe, expect, it } from 'vitest';
import { composeServiceNames } from './load-yaml.js';
import { ComposeError } from './problems.js';

describe('composeServiceNames', () => {
  it('lists service names without interpolating anything', () => {
    expect(composeServiceNames('services:\n  web: { image: "${NOPE:?x}" }\n  api: {}\n')).toEqual([
      'web',
      'api',
    ]);
  });

  it.each(['', 'services: []', 'services:', 'a: [', '- x'])(
    'throws a ComposeError for %j',
    (text) => {
      expect(() => composeServiceNames(text)).toThrow(ComposeError);
    },
  );
});
