import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Runs the README's real test command (scripts/test.sh, minus the static phases) on fixture
// specs, so a regression that masks a failing test's exit status fails the suite itself.
function runTestCommand(filter: string): { status: number | null; output: string } {
  const result = spawnSync(
    'bash',
    ['scripts/test.sh', '--config', 'test/ci/fixtures/vitest.fixture.config.ts', filter],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        BERTH_TEST_PHASES: 'tests',
        BERTH_TEST_REPORT: `.cache/test-command-${filter}.json`,
      },
      timeout: 300_000,
    },
  );
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('the test command', () => {
  it('exits non-zero and names the test when a test fails', () => {
    const { status, output } = runTestCommand('failing');
    expect(status).not.toBe(0);
    expect(status).not.toBeNull();
    expect(output).toContain('tests: 1 passed, 1 failed');
    expect(output).toMatch(/berth: FAILED .*failing\.fixture\.ts › fails on purpose/);
  });

  it('exits zero when every test passes', () => {
    const { status, output } = runTestCommand('passing');
    expect(output).toContain('tests: 1 passed, 0 failed');
    expect(status).toBe(0);
  });
});
