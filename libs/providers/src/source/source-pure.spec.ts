import { describe, expect, it } from 'vitest';
import { classifyGitFailure, redact, stderrSummary } from './git-errors.js';
import { KeyedChain } from '../shared/keyed-chain.js';
import { parseLsTree } from './ls-tree.js';

describe('parseLsTree', () => {
  it('keeps blobs with octal modes, drops submodules, keeps odd paths intact', () => {
    const out =
      '100644 blob aaaa\tREADME.md\0' +
      '100755 blob bbbb\tbin/run me\0' +
      '120000 blob cccc\tlink\0' +
      '160000 commit dddd\tvendor/lib\0';
    expect(parseLsTree(out)).toEqual([
      { path: 'README.md', blobSha: 'aaaa', mode: 0o100644 },
      { path: 'bin/run me', blobSha: 'bbbb', mode: 0o100755 },
      { path: 'link', blobSha: 'cccc', mode: 0o120000 },
    ]);
  });

  it('refuses output it does not understand', () => {
    expect(() => parseLsTree('garbage\0')).toThrow(/unexpected git ls-tree output/);
  });
});

describe('classifyGitFailure', () => {
  it.each([
    ["fatal: Authentication failed for 'http://x/a.git/'", 'auth'],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'auth'],
    ['fatal: remote error: upload-pack: not our ref ffff', 'not-found'],
    ["fatal: couldn't find remote ref refs/pull/3/head", 'not-found'],
    ["fatal: unable to access 'http://x/': Failed to connect to 127.0.0.1 port 1", 'unreachable'],
    ['fatal: something else', 'other'],
  ])('%s → %s', (stderr, kind) => {
    expect(classifyGitFailure(stderr)).toBe(kind);
  });
});

describe('redact / stderrSummary', () => {
  it('scrubs every secret', () => {
    expect(redact('a ghs_secret1 b ghs_secret1', ['ghs_secret1'])).toBe('a *** b ***');
  });

  it('keeps the last meaningful lines', () => {
    expect(stderrSummary('hint: x\nremote: Counting objects\nfatal: one\n\nfatal: two\n')).toBe(
      'fatal: one | fatal: two',
    );
  });
});

describe('KeyedChain', () => {
  it('runs one task per key at a time, keys in parallel, and survives failures', async () => {
    const chain = new KeyedChain();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      chain.run('a', task('a1', 20, true)),
      chain.run('a', task('a2', 1)),
      chain.run('b', task('b1', 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(chain.activeKeys).toBe(0);
  });
});
