import { describe, expect, it } from 'vitest';
import { contextPath, createDockerignore, parseDockerignore } from './dockerignore.js';

describe('parseDockerignore', () => {
  it('drops comments and blank lines, trims, handles CRLF', () => {
    expect(parseDockerignore('# comment\r\nnode_modules\r\n\r\n  *.log  \n#x\n')).toEqual([
      'node_modules',
      '*.log',
    ]);
  });
});

describe('createDockerignore (Docker semantics)', () => {
  const ig = createDockerignore(`
# deps
node_modules
**/*.log
/dist
!dist/keep.txt
*.md
!README.md
secrets/
docs/**/draft-*
Dockerfile
`);

  it.each([
    ['node_modules', true],
    ['node_modules/pkg/index.js', true], // below an excluded directory
    ['src/node_modules/x.js', false], // a bare name matches at the root only
    ['app.log', true],
    ['deep/er/app.log', true], // ** crosses directories
    ['dist/bundle.js', true], // leading / is the context root
    ['dist/keep.txt', false], // ! re-includes below an excluded directory
    ['CHANGELOG.md', true],
    ['README.md', false],
    ['docs/guide.md', false], // * stays within one directory
    ['secrets/key.pem', true], // trailing slash
    ['docs/a/b/draft-1.txt', true],
    ['docs/final.txt', false],
    ['Dockerfile', true],
    ['src/index.ts', false],
    ['readme.md', true], // case-sensitive: only README.md is re-included
    ['./node_modules/x', true],
    ['src/../node_modules', true],
    ['.', false],
  ])('%s → ignored: %s', (path, ignored) => {
    expect(ig.isIgnored(path)).toBe(ignored);
  });

  it('last matching rule wins', () => {
    const order = createDockerignore('!a.txt\n*.txt');
    expect(order.isIgnored('a.txt')).toBe(true);
    const reverse = createDockerignore('*.txt\n!a.txt');
    expect(reverse.isIgnored('a.txt')).toBe(false);
  });

  it('an empty file ignores nothing', () => {
    expect(createDockerignore('').isIgnored('anything/at/all')).toBe(false);
  });

  it('`*` alone ignores top-level entries and hence everything below', () => {
    const all = createDockerignore('*\n!src');
    expect(all.isIgnored('package.json')).toBe(true);
    expect(all.isIgnored('src/a.ts')).toBe(false);
  });

  it('exposes the patterns', () => {
    expect(createDockerignore('a\n# b\n!c').patterns).toEqual(['a', '!c']);
  });

  it.each(['/etc/passwd', '../outside', 'a/../../b', 'a\0b'])('refuses path %j', (path) => {
    expect(() => ig.isIgnored(path)).toThrow(/build context|relative|NUL/);
  });
});

describe('contextPath', () => {
  it('normalizes', () => {
    expect(contextPath('./a//b/')).toBe('a/b');
    expect(contextPath('a/./b/../c')).toBe('a/c');
  });
});
