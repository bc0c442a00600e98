import { describe, expect, it } from 'vitest';
import { renderE2eCheckRun } from './e2e-check-run.js';

const PASSWORD = 'S3cr3t-Pa55word-xyz';
const input = {
  image: 'shop-e2e:1',
  command: ['npm', 'test'],
  urls: { web: 'http://web:3000' },
  secrets: [PASSWORD],
};

describe('renderE2eCheckRun', () => {
  it('is green when the tests pass and red when they fail, with the log tail masked', () => {
    expect(
      renderE2eCheckRun({ ...input, result: { kind: 'passed', durationMs: 4200 } }),
    ).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      title: 'Passed in 4.2 s',
    });
    const logs =
      `connecting to postgres://shop:${PASSWORD}@db/shop\n` +
      `url-encoded ${encodeURIComponent(PASSWORD + '/x')}\nexpected 200, got 500\n`;
    const failed = renderE2eCheckRun({
      ...input,
      logs,
      secrets: [PASSWORD, `${PASSWORD}/x`],
      result: { kind: 'failed', durationMs: 1000, exitCode: 1 },
    });
    expect(failed).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(failed.title).toContain('exit 1');
    expect(failed.text).toContain('expected 200, got 500');
    expect(failed.text).toContain('***');
    expect(JSON.stringify(failed)).not.toContain(PASSWORD);
    expect(JSON.stringify(failed)).not.toContain(encodeURIComponent(`${PASSWORD}/x`));
  });

  it('says timed out and cancelled distinctly, and lists the URLs given', () => {
    const timedOut = renderE2eCheckRun({
      ...input,
      result: { kind: 'timed-out', durationMs: 60_000, timeoutSeconds: 60 },
    });
    expect(timedOut).toMatchObject({ conclusion: 'timed_out' });
    expect(timedOut.summary).toContain('| web | http://web:3000 |');
    const cancelled = renderE2eCheckRun({
      ...input,
      result: { kind: 'cancelled', durationMs: 10, reason: 'a newer head abc1234 was pushed' },
    });
    expect(cancelled).toMatchObject({ conclusion: 'cancelled' });
    expect(cancelled.title).toContain('abc1234');
    expect(renderE2eCheckRun({ ...input, result: { kind: 'running' } })).toMatchObject({
      status: 'in_progress',
    });
  });

  it('keeps only the end of a long log, cut at a line', () => {
    const logs = Array.from({ length: 5_000 }, (_, i) => `line ${i}`).join('\n');
    const out = renderE2eCheckRun({
      ...input,
      logs,
      result: { kind: 'failed', durationMs: 1, exitCode: 2 },
    });
    expect(out.text).toContain('line 4999');
    expect(out.text).not.toContain('line 10\n');
    expect((out.text ?? '').length).toBeLessThan(13_000);
  });
});
