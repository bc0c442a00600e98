import { describe, expect, it } from 'vitest';
import { commandLine, keyValues, shellSplit } from './fields.js';
import { ProblemList } from './problems.js';

describe('shellSplit', () => {
  it.each<[string, string[]]>([
    ['npm start', ['npm', 'start']],
    ['  a   b  ', ['a', 'b']],
    ['sh -c "echo hi && exit 0"', ['sh', '-c', 'echo hi && exit 0']],
    ["echo 'single $HOME'", ['echo', 'single $HOME']],
    ['echo "a\\"b"', ['echo', 'a"b']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo ""', ['echo', '']],
    ["x''y", ['xy']],
    ['', []],
  ])('%j', (input, argv) => {
    expect(shellSplit(input)).toEqual(argv);
  });

  it('rejects unterminated quotes', () => {
    expect(() => shellSplit('echo "oops')).toThrow(/unterminated " quote/);
    expect(() => shellSplit("echo 'oops")).toThrow(/unterminated ' quote/);
  });
});

describe('commandLine', () => {
  it('keeps lists, splits strings, reports bad input with the path', () => {
    const problems = new ProblemList();
    expect(commandLine(['a', 1], 'p', problems)).toEqual(['a', '1']);
    expect(commandLine('a "b c"', 'p', problems)).toEqual(['a', 'b c']);
    expect(commandLine([], 'p', problems)).toEqual([]);
    expect(commandLine(undefined, 'p', problems)).toBeUndefined();
    expect(problems.problems).toEqual([]);
    commandLine({ a: 1 }, 'services.x.command', problems);
    commandLine('"open', 'services.x.entrypoint', problems);
    expect(problems.problems.map((p) => p.path)).toEqual([
      'services.x.command',
      'services.x.entrypoint',
    ]);
  });
});

describe('keyValues', () => {
  const vars = { FROM_VARS: 'v' };

  it('reads the list form, splitting on the first `=`', () => {
    const problems = new ProblemList();
    expect(keyValues(['A=1', 'B=x=y', 'C=', 'FROM_VARS', 'UNSET'], 'env', problems, vars)).toEqual({
      A: '1',
      B: 'x=y',
      C: '',
      FROM_VARS: 'v',
    });
    expect(problems.warnings).toEqual([
      { path: 'env[4]', message: expect.stringMatching(/UNSET has no value/) },
    ]);
  });

  it('reads the map form, stringifying scalars', () => {
    const problems = new ProblemList();
    expect(
      keyValues({ PORT: 3000, DEBUG: true, RATIO: 0.5, FROM_VARS: null }, 'env', problems, vars),
    ).toEqual({
      PORT: '3000',
      DEBUG: 'true',
      RATIO: '0.5',
      FROM_VARS: 'v',
    });
  });

  it('reports bad keys and values with their paths', () => {
    const problems = new ProblemList();
    keyValues({ ' A': '1', B: { nested: 1 }, C: [1] }, 'services.api.environment', problems, vars);
    keyValues(['=x'], 'l', problems, vars);
    keyValues('A=1', 's', problems, vars);
    expect(problems.problems.map((p) => p.path)).toEqual([
      'services.api.environment. A',
      'services.api.environment.B',
      'services.api.environment.C',
      'l[0]',
      's',
    ]);
  });

  it('treats `__proto__` as an ordinary key', () => {
    const out = keyValues(['__proto__=x'], 'env', new ProblemList(), {});
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
