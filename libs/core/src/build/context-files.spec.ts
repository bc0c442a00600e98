import { describe, expect, it } from 'vitest';
import { filesUnderContext, filterContextFiles } from './context-files.js';
import { createDockerignore } from './dockerignore.js';

const repo = [
  { path: 'web/package.json', hash: '1' },
  { path: 'web/node_modules/x/index.js', hash: '2' },
  { path: 'web/src/app.ts', hash: '3' },
  { path: 'webhooks/handler.ts', hash: '4' },
  { path: 'api/src/main.ts', hash: '5' },
];

describe('filesUnderContext', () => {
  it('re-roots files of the context and nothing with a shared prefix', () => {
    expect(filesUnderContext(repo, 'web').map((f) => f.path)).toEqual([
      'package.json',
      'node_modules/x/index.js',
      'src/app.ts',
    ]);
    expect(filesUnderContext(repo, 'web/').map((f) => f.path)).toHaveLength(3);
  });

  it('keeps everything for the repository root', () => {
    expect(filesUnderContext(repo, '.')).toEqual(repo);
  });
});

describe('filterContextFiles', () => {
  it('drops what .dockerignore excludes', () => {
    const files = filesUnderContext(repo, 'web');
    const kept = filterContextFiles(files, createDockerignore('node_modules\n'));
    expect(kept.map((f) => f.path)).toEqual(['package.json', 'src/app.ts']);
  });
});
