import { describe, expect, it } from 'vitest';
import { parseBuild, repoRelativePath } from './build.js';
import { ProblemList } from './problems.js';

describe('repoRelativePath', () => {
  it.each([
    ['.', '.'],
    ['./web', 'web'],
    ['web/', 'web'],
    ['a/../b', 'b'],
    ['a\\b', 'a/b'],
  ])('%j → %j', (input, expected) => {
    expect(repoRelativePath(input)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['/etc', /absolute/],
    ['~/x', /absolute/],
    ['C:\\x', /absolute/],
    ['..', /leaves the repository/],
    ['a/../../b', /leaves the repository/],
    ['https://github.com/x/y.git', /URL/],
    ['git@github.com:x/y.git', /URL/],
    ['a\0b', /NUL/],
  ])('%j is refused', (input, message) => {
    const result = repoRelativePath(input);
    expect(typeof result).toBe('object');
    if (typeof result === 'object') expect(result.error).toMatch(message);
  });
});

describe('parseBuild', () => {
  const parse = (value: unknown) => {
    const problems = new ProblemList();
    return { spec: parseBuild(value, 'services.api.build', problems, { V: 'x' }), problems };
  };

  it('takes a string as the context', () => {
    expect(parse('./api').spec).toEqual({ context: 'api', dockerfile: 'Dockerfile', args: {} });
  });

  it('reads the long form', () => {
    const { spec, problems } = parse({
      context: 'api',
      dockerfile: 'docker/Dockerfile.prod',
      args: ['A=1', 'V'],
      target: 'runtime',
      cache_from: ['x'],
    });
    expect(spec).toEqual({
      context: 'api',
      dockerfile: 'docker/Dockerfile.prod',
      args: { A: '1', V: 'x' },
      target: 'runtime',
    });
    expect(problems.problems).toEqual([]);
    expect(problems.warnings.map((w) => w.path)).toEqual(['services.api.build.cache_from']);
  });

  it('defaults the context to the repository root', () => {
    expect(parse({ dockerfile: 'Dockerfile' }).spec?.context).toBe('.');
  });

  it.each([
    [{ context: '../other' }, 'services.api.build.context', /leaves the repository/],
    [{ context: '/srv/app' }, 'services.api.build.context', /absolute/],
    [
      { context: 'api', dockerfile: '../Dockerfile' },
      'services.api.build.dockerfile',
      /leaves the build context/,
    ],
    [{ context: 'api', dockerfile: '.' }, 'services.api.build.dockerfile', /not a file/],
    [{ network: 'host' }, 'services.api.build.network', /host network/],
    [{ dockerfile_inline: 'FROM x' }, 'services.api.build.dockerfile_inline', /not supported yet/],
    [{ ssh: ['default'] }, 'services.api.build.ssh', /not supported/],
    [
      { secrets: ['npm_token'] },
      'services.api.build.secrets[0]',
      /`npm_token` is not declared under top-level `secrets:`/,
    ],
    [{ secrets: 'npm_token' }, 'services.api.build.secrets', /expected a list/],
    [{ contxt: '.' }, 'services.api.build.contxt', /unknown build key/],
    [42, 'services.api.build', /context path or a mapping/],
  ])('%j → problem at %s', (value, path, message) => {
    const { problems } = parse(value);
    expect(problems.problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('parseBuild secrets', () => {
  const declared = {
    npm_token: { scope: 'npm_token' },
    api: { scope: 'api_key' },
    seed: { file: 'deploy/seed.sql' },
  };
  const parse = (secrets: unknown) => {
    const problems = new ProblemList();
    const spec = parseBuild({ context: '.', secrets }, 'services.api.build', problems, {}, '.', {
      ...declared,
    });
    return { spec, problems };
  };

  it('maps short and long entries to BuildKit ids and scope names', () => {
    const { spec, problems } = parse(['npm_token', { source: 'api', target: 'API_KEY' }]);
    expect(problems.problems).toEqual([]);
    expect(spec?.secrets).toEqual([
      { id: 'npm_token', name: 'npm_token' },
      { id: 'API_KEY', name: 'api_key' },
    ]);
  });

  it('leaves `secrets` out when the list is empty', () => {
    expect(parse([]).spec).toEqual({ context: '.', dockerfile: 'Dockerfile', args: {} });
  });

  it.each([
    [['nope'], 'services.api.build.secrets[0]', /not declared under top-level `secrets:`/],
    [['seed'], 'services.api.build.secrets[0]', /repository file.*COPY it/],
    [
      [{ source: 'api', target: 'a b' }],
      'services.api.build.secrets[0].target',
      /not a build secret id/,
    ],
    [[{ source: 'api', mode: 0o400 }], 'services.api.build.secrets[0].mode', /unknown key/],
    [
      ['api', { source: 'npm_token', target: 'api' }],
      'services.api.build.secrets[1]',
      /listed twice/,
    ],
  ])('%j → problem at %s', (secrets, path, message) => {
    const { problems } = parse(secrets);
    expect(problems.problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});
