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

  it('reads `build` with a service’s rules: context, Dockerfile, args (interpolated) and target', () => {
    const short = withTests('    build: ./e2e\n    command: [npm, test]\n');
    expect(short.ok && short.spec.berth.tests).toEqual({
      build: { context: 'e2e', dockerfile: 'Dockerfile', args: {} },
      command: ['npm', 'test'],
      timeoutSeconds: 600,
      environment: {},
    });
    const long = parseCompose(
      "services:\n  web:\n    image: nginx\n    ports: ['80']\nx-berth:\n  tests:\n" +
        '    build:\n      context: tests/e2e\n      dockerfile: Dockerfile.ci\n' +
        '      args: { SUITE: "${SUITE:-smoke}" }\n      target: runner\n',
      { variables: { SUITE: 'full' } },
    );
    expect(long.ok && long.spec.berth.tests?.build).toEqual({
      context: 'tests/e2e',
      dockerfile: 'Dockerfile.ci',
      args: { SUITE: 'full' },
      target: 'runner',
    });
  });

  it('has no tests unless the file asks for them', () => {
    const result = parseCompose('services:\n  web:\n    image: nginx\n');
    expect(result.ok && result.spec.berth.tests).toBeUndefined();
  });

  it.each([
    ['    command: [npm, test]\n', 'x-berth.tests.image', /required.*build: \.\/e2e/],
    ['    image: e2e\n    timeout: 2s\n', 'x-berth.tests.timeout', /outside 30s … 60m/],
    ['    image: e2e\n    timeout: soon\n', 'x-berth.tests.timeout', /duration like 90s/],
    ['    image: e2e\n    timeout: 2h\n', 'x-berth.tests.timeout', /outside/],
    ['    image: e2e\n    build: ./e2e\n', 'x-berth.tests', /either `image` .* or `build`/],
    ['    build: ../outside\n', 'x-berth.tests.build.context', /leaves the repository/],
    [
      '    build: { context: ./e2e, privileged: true }\n',
      'x-berth.tests.build.privileged',
      /not supported: it reaches outside the build context or grants privileges/,
    ],
    [
      '    build: { context: ./e2e, secrets: [token] }\n',
      'x-berth.tests.build.secrets',
      /built without secrets/,
    ],
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
