import { describe, expect, it } from 'vitest';
import { type BuildInputs, buildInputHash } from './build-hash.js';

const base: BuildInputs = {
  files: [
    { path: 'package.json', hash: 'h1' },
    { path: 'src/index.ts', hash: 'h2' },
  ],
  dockerfile: 'FROM node:24\nCOPY . .\n',
  args: { NODE_IMAGE: 'node:24', MODE: 'prod' },
  target: 'runtime',
};

describe('buildInputHash', () => {
  const hash = buildInputHash(base);

  it('is a sha256 hex digest', () => {
    expect(hash).toMatch(/^[a-f0-9]{64}$/);
  });

  it('is stable across file order, arg order and path spelling', () => {
    expect(
      buildInputHash({
        ...base,
        files: [...base.files].reverse().map((f) => ({ ...f, path: `./${f.path}` })),
        args: { MODE: 'prod', NODE_IMAGE: 'node:24' },
      }),
    ).toBe(hash);
  });

  it.each<[string, Partial<BuildInputs>]>([
    [
      'a file content',
      {
        files: [
          { path: 'package.json', hash: 'h1' },
          { path: 'src/index.ts', hash: 'h3' },
        ],
      },
    ],
    [
      'a file rename',
      {
        files: [
          { path: 'package.json', hash: 'h1' },
          { path: 'src/main.ts', hash: 'h2' },
        ],
      },
    ],
    ['an added file', { files: [...base.files, { path: 'new.ts', hash: 'h4' }] }],
    ['a removed file', { files: [base.files[0] as BuildInputs['files'][number]] }],
    [
      'a mode change',
      {
        files: [
          { path: 'package.json', hash: 'h1', mode: 0o100755 },
          base.files[1] as BuildInputs['files'][number],
        ],
      },
    ],
    ['the Dockerfile', { dockerfile: 'FROM node:22\nCOPY . .\n' }],
    ['an arg value', { args: { NODE_IMAGE: 'node:22', MODE: 'prod' } }],
    ['an arg name', { args: { NODE_IMAGE: 'node:24', MODE2: 'prod' } }],
    ['an added arg', { args: { ...base.args, EXTRA: '' } }],
    ['the target', { target: 'dev' }],
    ['no target', { target: undefined }],
  ])('changes with %s', (_, change) => {
    expect(buildInputHash({ ...base, ...change })).not.toBe(hash);
  });

  it('cannot be confused by delimiters inside values', () => {
    const a = buildInputHash({ files: [{ path: 'a', hash: 'b,c' }], dockerfile: '', args: {} });
    const b = buildInputHash({ files: [{ path: 'a,b', hash: 'c' }], dockerfile: '', args: {} });
    expect(a).not.toBe(b);
    const c = buildInputHash({ files: [], dockerfile: '', args: { A: 'B=C' } });
    const d = buildInputHash({ files: [], dockerfile: '', args: { 'A=B': 'C' } });
    expect(c).not.toBe(d);
    const e = buildInputHash({ files: [], dockerfile: '', args: {}, target: '' });
    const f = buildInputHash({ files: [], dockerfile: '', args: {} });
    expect(e).not.toBe(f);
  });

  it('sorts by code point, not locale', () => {
    const files = [
      { path: 'b', hash: '1' },
      { path: 'B', hash: '2' },
      { path: 'ä', hash: '3' },
      { path: 'a', hash: '4' },
    ];
    expect(buildInputHash({ files, dockerfile: '', args: {} })).toBe(
      buildInputHash({ files: [...files].reverse(), dockerfile: '', args: {} }),
    );
  });

  it.each<[string, BuildInputs['files'], RegExp]>([
    [
      'duplicate paths',
      [
        { path: 'a', hash: '1' },
        { path: './a', hash: '1' },
      ],
      /twice/,
    ],
    ['escaping paths', [{ path: '../secret', hash: '1' }], /outside the build context/],
    ['absolute paths', [{ path: '/etc/passwd', hash: '1' }], /relative/],
    ['the root as a file', [{ path: '.', hash: '1' }], /root is not a file/],
    ['a missing hash', [{ path: 'a', hash: '' }], /no content hash/],
    ['a bad mode', [{ path: 'a', hash: '1', mode: -1 }], /invalid mode/],
  ])('refuses %s', (_, files, message) => {
    expect(() => buildInputHash({ files, dockerfile: '', args: {} })).toThrow(message);
  });

  // How fast is the lifecycle bench's business (build stage times), not a timed assertion here.
  it('hashes a large context, in any order, and notices one changed file', () => {
    const files = Array.from({ length: 20_000 }, (_, i) => ({
      path: `src/f${i}.ts`,
      hash: `${i}`,
    }));
    const hash = buildInputHash({ files, dockerfile: '', args: {} });
    expect(buildInputHash({ files: [...files].reverse(), dockerfile: '', args: {} })).toBe(hash);
    const changed = files.map((f, i) => (i === 12_345 ? { ...f, hash: 'x' } : f));
    expect(buildInputHash({ files: changed, dockerfile: '', args: {} })).not.toBe(hash);
  });
});
