import { describe, expect, it } from 'vitest';
import {
  COMMENT_ERROR_MAX,
  PREVIEW_COMMENT_MARKER,
  type PreviewCommentInput,
  renderPreviewComment,
} from './preview-comment.js';

const base: PreviewCommentInput = {
  state: 'building',
  repo: 'acme/shop',
  pr: 12,
  headSha: 'abc1234def5678900000000000000000000000000',
  generation: 3,
  urls: {},
  services: [
    { name: 'web', status: 'pending', source: 'cached' },
    { name: 'api', status: 'pending', source: 'built', durationMs: 12_345 },
    { name: 'postgres', status: 'pending', source: 'image' },
  ],
  stages: [{ stage: 'build', status: 'running', durationMs: null }],
  labelNotes: [],
};

const readyStages = [
  { stage: 'build', status: 'succeeded', durationMs: 14_200 },
  { stage: 'wire', status: 'succeeded', durationMs: 40 },
  { stage: 'replicate', status: 'succeeded', durationMs: 8_100 },
  { stage: 'expose', status: 'succeeded', durationMs: 120 },
];

describe('renderPreviewComment', () => {
  it('building: header with the running stage, services, timings', () => {
    const body = renderPreviewComment({ ...base, event: { kind: 'started', stage: 'build' } });
    expect(body.startsWith(`${PREVIEW_COMMENT_MARKER}\n`)).toBe(true);
    expect(body).toContain('⏳ Preview building');
    expect(body).not.toContain('#### URLs');
    expect(body).toMatchSnapshot();
  });

  it('provisioning', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'provisioning',
      stages: [readyStages[0]!, { stage: 'wire', status: 'running' }],
    });
    expect(body).toContain('⏳ Preview provisioning');
    expect(body).toMatchSnapshot();
  });

  it('ready, private: plain URLs and how to get in, what was rebuilt vs reused, label notes', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'ready',
      event: { kind: 'ready' },
      urls: {
        web: 'http://web-pr-12-shop.localhost:8080',
        api: 'http://api-pr-12-shop.localhost:8080',
      },
      services: base.services.map((s) => ({ ...s, status: 'running' })),
      stages: readyStages,
      labelNotes: [
        { label: 'db:branch', message: '`db:branch` is not yet supported; using db:fresh' },
        { label: 'preview:bogus', message: 'unknown label | not a Berth option' },
      ],
    });
    expect(body).toContain('✅ Preview ready');
    expect(body).toContain('Rebuilt: `api` · reused: `web`.');
    expect(body).toContain('ask a Berth operator for a share link');
    expect(body).toContain(`berth share create ${base.repo} ${base.pr}`);
    expect(body).not.toContain('berth_token');
    expect(body).toContain('unknown label \\| not a Berth option');
    expect(body).toMatchSnapshot();
  });

  it('ready, public: plain URLs, no share-link note', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'ready',
      access: 'public',
      urls: { web: 'https://web-pr-12-shop.example.com' },
      stages: readyStages,
    });
    expect(body).not.toContain('share links');
    expect(body).toMatchSnapshot();
  });

  it('failed: stage and error, redacted and truncated, no URLs', () => {
    const secret = 'Zx9-generated-db-password-Q7';
    const error =
      `migrate exited 1: connect postgres://shop:${secret}@postgres:5432/shop failed\n` +
      `DB_PASSWORD=${secret} token ghs_abcdefghijklmnop1234\n` +
      'x'.repeat(2_000);
    const body = renderPreviewComment({
      ...base,
      state: 'failed',
      event: { kind: 'failed', stage: 'replicate', error },
      urls: { web: 'http://web-pr-12-shop.localhost:8080' },
      stages: [readyStages[0]!, readyStages[1]!, { stage: 'replicate', status: 'failed', error }],
      secrets: [secret],
    });
    expect(body).toContain('❌ Preview failed at **replicate**');
    expect(body).not.toContain(secret);
    expect(body).not.toContain('ghs_abcdefghijklmnop1234');
    expect(body).not.toContain('#### URLs');
    const fence = /```text\n([\s\S]*?)\n```/.exec(body);
    expect(fence?.[1]?.length).toBeLessThanOrEqual(COMMENT_ERROR_MAX);
    expect(body).toMatchSnapshot();
  });

  it('failed on a compose file: lists every problem, `secrets` keys included', () => {
    const problems = [
      '- services.web.build.context: `../x` leaves the repository',
      '- services.web.volumes[0]: `/srv:/srv`: host bind mounts are refused',
      '- services.web.secrets[0]: secret `api_key` is not declared',
      '- secrets.api_key: only file-backed secrets are supported',
      '- services.db.privileged: privileged containers are refused',
      '- services.db.network_mode: `network_mode: host` is refused',
      '- services.cache.ports[0]: invalid container port `x`',
      ...Array.from({ length: 60 }, (_, i) => `- services.s${i}.image: image \`\` is not valid`),
    ];
    const error = `compose.yaml at 0123456789ab has ${problems.length} problems:\n${problems.join('\n')}`;
    const body = renderPreviewComment({
      ...base,
      state: 'failed',
      event: { kind: 'failed', stage: 'build', error },
      stages: [{ stage: 'build', status: 'failed', error }],
    });
    for (const line of problems) expect(body).toContain(line);
    expect(body).not.toContain('***');
    expect(body.length).toBeLessThanOrEqual(65_536);
  });

  it('failed without an event: takes the last failed stage run', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'failed',
      stages: [{ stage: 'build', status: 'failed', error: 'step 3/7 RUN npm ci: exit 1' }],
    });
    expect(body).toContain('failed at **build**');
    expect(body).toContain('step 3/7 RUN npm ci: exit 1');
  });

  it('an error cannot close the fence early', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'failed',
      event: { kind: 'failed', stage: 'build', error: 'bad ```\n## injected heading' },
    });
    expect(body.match(/```/g)).toHaveLength(2);
  });

  it('held for a fork: names the commit to approve', () => {
    const body = renderPreviewComment({ ...base, state: 'held', event: { kind: 'held' } });
    expect(body).toContain('🔒');
    expect(body).toContain('A maintainer must add `preview:approved` for commit `abc1234`');
    expect(body).not.toContain('#### Stages');
    expect(body).toMatchSnapshot();
  });

  it('skipped', () => {
    const body = renderPreviewComment({ ...base, state: 'skipped', event: { kind: 'skipped' } });
    expect(body).toContain('⏭️ Preview skipped');
    expect(body).toMatchSnapshot();
  });

  it('destroying', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'destroying',
      event: { kind: 'started', stage: 'teardown' },
      stages: [{ stage: 'teardown', status: 'running' }],
    });
    expect(body).toContain('🗑️ Preview being destroyed');
    expect(body).toMatchSnapshot();
  });

  it('destroyed: says so, lists no URLs or services', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'destroyed',
      event: { kind: 'destroyed' },
      urls: { web: 'http://web-pr-12-shop.localhost:8080' },
      stages: [{ stage: 'teardown', status: 'succeeded', durationMs: 2_300 }],
    });
    expect(body).toContain('The preview was destroyed');
    expect(body).not.toContain('web-pr-12-shop');
    expect(body).not.toContain('#### Services');
    expect(body).toMatchSnapshot();
  });
});

describe('renderPreviewComment: last command (decision 0026)', () => {
  it('shows the last chat-op answer on one line, redacted, and nothing without one', () => {
    expect(renderPreviewComment(base)).not.toContain('Last command');
    const body = renderPreviewComment({
      ...base,
      lastCommand: '`@alice`: `/berth status` — the preview is ready\nwith s3cret-value',
      secrets: ['s3cret-value'],
    });
    const line = body.split('\n').find((l) => l.startsWith('**Last command:**'));
    expect(line).toContain('`@alice`: `/berth status` — the preview is ready');
    expect(body).not.toContain('s3cret-value');
  });
});

describe('renderPreviewComment: an older commit still serving (decision 0038)', () => {
  const urls = { web: 'http://web-pr-12-shop.localhost:8080' };
  const serving = { sha: '0ld5ha0000000000000000000000000000000000', generation: 2 };

  it('building: keeps the older commit’s URLs and says which commit they serve until when', () => {
    const body = renderPreviewComment({
      ...base,
      urls,
      serving,
      event: { kind: 'started', stage: 'build' },
    });
    expect(body).toContain('⏳ Preview building');
    expect(body).toContain(
      '> The links below still serve an older commit, `0ld5ha0` (generation 2), until `abc1234` is ready.',
    );
    expect(body).toContain('| `web` | http://web-pr-12-shop.localhost:8080 |');
  });

  it('queued for room: the same line', () => {
    const body = renderPreviewComment({
      ...base,
      urls,
      serving,
      state: 'provisioning',
      event: { kind: 'queued', stage: 'replicate', reason: 'the host is full' },
    });
    expect(body).toContain('⏳ Preview queued');
    expect(body).toContain('still serve an older commit, `0ld5ha0`');
  });

  it('failed: the last good revision keeps serving, with its URLs', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'failed',
      urls,
      serving,
      event: { kind: 'failed', stage: 'replicate', error: 'migrate exited 1' },
    });
    expect(body).toContain('❌ Preview failed at **replicate**');
    expect(body).toContain(
      '> The links below still serve an older commit, `0ld5ha0` (generation 2), as the last good revision.',
    );
    expect(body).toContain('#### URLs');
  });

  it('says nothing, and shows no URL while building, when nothing older serves', () => {
    for (const s of [undefined, { ...serving, generation: 3 }]) {
      const body = renderPreviewComment({ ...base, urls, ...(s ? { serving: s } : {}) });
      expect(body).not.toContain('older commit');
      expect(body).not.toContain('#### URLs');
    }
    const ready = renderPreviewComment({ ...base, state: 'ready', urls, serving });
    expect(ready).not.toContain('older commit');
  });
});
