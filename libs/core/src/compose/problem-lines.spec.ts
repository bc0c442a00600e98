import { describe, expect, it } from 'vitest';
import { parseComposeFiles } from './parse-compose.js';
import { composeProblemLines } from './problem-lines.js';
import type { ComposeFile } from './load-tree.js';

/** The parser's own problems for `files`, placed on lines. */
function located(files: ComposeFile[]) {
  const result = parseComposeFiles(files);
  if (result.ok) throw new Error('expected problems, got a valid spec');
  return { problems: result.problems, lines: composeProblemLines(files, result.problems) };
}

describe('composeProblemLines', () => {
  it('puts a problem on the line of the key its path names', () => {
    const text = [
      'services:', // 1
      '  web:', // 2
      '    image: nginx', // 3
      '    ports:', // 4
      '      - "80:80"', // 5
      '      - "not a port"', // 6
      '  api:', // 7
      '    image: node', // 8
      '    privileged: true', // 9
    ].join('\n');
    const { problems, lines } = located([{ path: 'deploy/compose.yml', text }]);
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['services.web.ports[1]', 'services.api.privileged']),
    );
    const byKey = Object.fromEntries(lines.map((l) => [l.key, l]));
    expect(byKey['services.web.ports[1]']).toMatchObject({
      file: 'deploy/compose.yml',
      startLine: 6,
      endLine: 6,
    });
    expect(byKey['services.api.privileged']).toMatchObject({ startLine: 9, endLine: 9 });
  });

  it('points a missing key at its deepest existing parent, and keeps dotted service names whole', () => {
    const text = ['services:', '  api.v2:', '    build:', '      dockerfile: Dockerfile'].join(
      '\n',
    );
    const lines = composeProblemLines(
      [{ path: 'compose.yaml', text }],
      [
        { path: 'services.api.v2.build.context', message: 'is required' },
        { path: 'services.api.v2.build.dockerfile', message: 'bad' },
      ],
    );
    expect(lines.map((l) => [l.startLine, l.endLine])).toEqual([
      [3, 3],
      [4, 4],
    ]);
  });

  it('places a problem in the override file that holds the key', () => {
    const base = ['services:', '  web:', '    image: nginx'].join('\n');
    const override = ['services:', '  web:', '    network_mode: host'].join('\n');
    const { lines } = located([
      { path: 'compose.yaml', text: base },
      { path: 'compose.override.yaml', text: override },
    ]);
    const hit = lines.find((l) => l.key === 'services.web.network_mode');
    expect(hit).toMatchObject({ file: 'compose.override.yaml', startLine: 3 });
  });

  it('uses the position of a YAML syntax error', () => {
    const text = ['services:', '  web:', '    image: nginx', '    image: again'].join('\n');
    const { problems, lines } = located([{ path: 'compose.yaml', text }]);
    expect(problems[0]?.path).toBe('(yaml)');
    expect(lines[0]).toMatchObject({ file: 'compose.yaml', startLine: 4 });
  });

  it('puts a problem about the whole file on its first line', () => {
    const lines = composeProblemLines(
      [{ path: 'compose.yaml', text: 'services:\n  web: {}\n' }],
      [{ path: '(file)', message: 'too large' }],
    );
    expect(lines).toEqual([
      { file: 'compose.yaml', startLine: 1, endLine: 1, key: '(file)', message: 'too large' },
    ]);
  });
});
