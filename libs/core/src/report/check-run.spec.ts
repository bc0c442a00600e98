import { describe, expect, it } from 'vitest';
import { type CheckRunInput, renderCheckRun, supersededCheckRun } from './check-run.js';

const base: CheckRunInput = {
  event: { kind: 'ready' },
  repo: 'acme/shop',
  pr: 12,
  headSha: 'abcdef1234567890',
  generation: 3,
  services: [
    {
      name: 'web',
      host: 'web-pr-12-shop.preview.example',
      image: 'berth/acme-shop/web:1a2b',
      source: 'built',
      durationMs: 12_400,
      state: 'healthy',
    },
    { name: 'api', image: 'berth/acme-shop/api:3c4d', source: 'cached', state: 'running' },
    { name: 'db', image: 'postgres:17', source: 'image', state: 'healthy' },
  ],
  stages: [
    { stage: 'build', status: 'succeeded', durationMs: 14_000 },
    { stage: 'wire', status: 'succeeded', durationMs: 40 },
    { stage: 'replicate', status: 'succeeded', durationMs: 3_500 },
    { stage: 'expose', status: 'succeeded', durationMs: 120 },
  ],
  consoleUrl: 'https://berth.example/environments/e1',
};

describe('renderCheckRun', () => {
  it('completes a ready preview as success with the service table, what was rebuilt, timings and the console link', () => {
    const view = renderCheckRun(base);
    expect(view).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      title: 'Preview ready',
    });
    expect(view?.summary).toMatchInlineSnapshot(`
      "**Preview ready** for \`acme/shop#12\` at \`abcdef1\` (generation 3).

      | Service | URL host | Image | Rebuilt or reused | State |
      |---|---|---|---|---|
      | web | \`web-pr-12-shop.preview.example\` | \`berth/acme-shop/web:1a2b\` | rebuilt (12 s) | healthy |
      | api | — | \`berth/acme-shop/api:3c4d\` | reused | running |
      | db | — | \`postgres:17\` | pulled | healthy |

      **Rebuilt:** web · **Reused:** api

      | Stage | Status | Time |
      |---|---|---|
      | build | succeeded | 14 s |
      | wire | succeeded | 40 ms |
      | replicate | succeeded | 3.5 s |
      | expose | succeeded | 120 ms |
      | **total** | | 18 s |

      [Open in the Berth console](https://berth.example/environments/e1)"
    `);
    expect(view?.text).toBeUndefined();
  });

  it('has no console link when no console URL is configured', () => {
    const { consoleUrl: _omitted, ...input } = base;
    expect(renderCheckRun(input)?.summary).not.toContain('console');
  });

  it('is queued when the head is seen and in progress while stages run', () => {
    expect(renderCheckRun({ ...base, event: { kind: 'requested' } })).toMatchObject({
      status: 'queued',
    });
    expect(renderCheckRun({ ...base, event: { kind: 'started', stage: 'wire' } })).toMatchObject({
      status: 'in_progress',
      title: 'Provisioning (wire)',
    });
    expect(renderCheckRun({ ...base, event: { kind: 'destroyed' } })).toBeNull();
    expect(renderCheckRun({ ...base, event: { kind: 'started', stage: 'teardown' } })).toBeNull();
  });

  it('fails with the redacted failure output in the text and keeps a log from closing its fence', () => {
    const password = 'Zq8xv7Lw2pR9mK3t';
    const view = renderCheckRun({
      ...base,
      event: {
        kind: 'failed',
        stage: 'replicate',
        error: `api exited 1; log tail:\nconnecting to postgres://shop:${password}@db/shop\n\`\`\`\nboom`,
      },
      secrets: [password],
    });
    expect(view).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(JSON.stringify(view)).not.toContain(password);
    expect(view?.text).toContain('postgres://shop:***@db/shop');
    expect(view?.text?.startsWith('### replicate failed\n\n````\n')).toBe(true);
    expect(view?.text?.endsWith('\n````')).toBe(true);
  });

  it('carries annotations, redacted, and says the compose file has problems', () => {
    const view = renderCheckRun({
      ...base,
      event: { kind: 'failed', stage: 'build', error: 'compose.yaml has 1 problem' },
      services: [],
      annotations: [
        {
          path: 'compose.yaml',
          startLine: 4,
          endLine: 4,
          level: 'failure',
          title: 'services.web.privileged',
          message: 'not allowed; TOKEN=abc123456',
        },
      ],
    });
    expect(view?.annotations).toEqual([
      {
        path: 'compose.yaml',
        startLine: 4,
        endLine: 4,
        level: 'failure',
        title: 'services.web.privileged',
        message: 'not allowed; TOKEN=***',
      },
    ]);
    expect(view?.summary).toContain('The compose file has 1 problem, marked on its lines.');
  });

  it('cancels the check of a head a newer push replaced', () => {
    expect(supersededCheckRun('0123456789abcdef')).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      title: 'Superseded by 0123456',
    });
  });
});
