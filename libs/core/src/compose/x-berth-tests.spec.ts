import { describe, expect, it } from 'vitest';
import { parseCompose } from './parse-compose.js';

const withTests = (tests: string) =>
  parseCompose(
    `services:\n  web:\n    image: nginx\n    ports: ['80']\nx-berth:\n  tests:\n${tests}`,
  );

describe('x-berth.tests', () => {
  it('reads the test image, command, timeout and environment', () => {
    const result = withTests(
      '    image: shop-e2e:1\n    command: npm run e2e -- --grep "checkout"\n    timeout: 5m\n    environment: { SUITE: smoke }\n',
    );
    expect(result.ok && result.spec.berth.tests).toEqual({
      image: 'shop-e2e:1',
      command: ['npm', 'run', 'e2e', '--', '--grep', 'checkout'],
      timeoutSeconds: 300,
      environment: { SUITE: 'smoke' },
    });
  });

  it('defaults the timeout to 10 minutes and leaves the command to the image', () => {
    const result = withTests('    image: shop-e2e:1\n');
    expect(result.ok && result.spec.berth.tests).toEqual({
      image: 'shop-e2e:1',
      timeoutSeconds: 600,
      environment: {},
    });
  });

  it('has no tests unless the file asks for them', () => {
    const result = parseCompose('services:\n  web:\n    image: nginx\n');
    expect(result.ok && result.spec.berth.tests).toBeUndefined();
  });

  it.each([
    ['    command: [npm, test]\n', 'x-berth.tests.image', /required/],
    ['    image: e2e\n    timeout: 2s\n', 'x-berth.tests.timeout', /outside 30s … 60m/],
    ['    image: e2e\n    timeout: soon\n', 'x-berth.tests.timeout', /duration like 90s/],
    ['    image: e2e\n    timeout: 2h\n', 'x-berth.tests.timeout', /outside/],
    ['    image: e2e\n    build: ./e2e\n', 'x-berth.tests.build', /not supported yet/],
    ['    image: e2e\n    privileged: true\n', 'x-berth.tests.privileged', /unknown key/],
    [
      '    image: e2e\n    environment: { BERTH_ACCESS_TOKEN: mine }\n',
      'x-berth.tests.environment.BERTH_ACCESS_TOKEN',
      /set by Berth/,
    ],
  ])('names the field and the fix: %j', (tests, path, message) => {
    const result = withTests(tests);
    expect(result.ok).toBe(false);
    const problem = !result.ok ? result.problems.find((p) => p.path === path) : undefined;
    expect(problem?.message).toMatch(message);
  });

  it('refuses a non-mapping', () => {
    const result = parseCompose(
      'services:\n  web:\n    image: nginx\nx-berth:\n  tests: npm test\n',
    );
    expect(!result.ok && result.problems.map((p) => p.path)).toEqual(['x-berth.tests']);
  });
});
