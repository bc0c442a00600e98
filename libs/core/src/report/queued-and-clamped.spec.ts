import { describe, expect, it } from 'vitest';
import { statusFor } from './commit-status.js';
import { renderPreviewComment, type PreviewCommentInput } from './preview-comment.js';

const base: PreviewCommentInput = {
  state: 'provisioning',
  repo: 'octo/app',
  pr: 4,
  headSha: 'abcdef1234567',
  generation: 2,
  urls: {},
  services: [{ name: 'api', status: 'waiting' }],
  stages: [{ stage: 'replicate', status: 'queued', error: 'queued: …' }],
  labelNotes: [],
};
const reason =
  'queued: host memory committed 3000 of 3686 MB, needs 1024 MB; it starts when other previews free memory (closed or expired)';

describe('a preview queued for host memory', () => {
  it('says so in the comment, with the numbers and that it retries by itself', () => {
    const body = renderPreviewComment({
      ...base,
      event: { kind: 'queued', stage: 'replicate', reason },
    });
    expect(body).toContain('### ⏳ Preview queued');
    expect(body).toContain('stage **replicate** waits for room');
    expect(body).toContain('host memory committed 3000 of 3686 MB, needs 1024 MB');
  });

  it('keeps the commit status pending, with the numbers in its description', () => {
    expect(statusFor({ kind: 'queued', stage: 'replicate', reason })).toEqual({
      state: 'pending',
      description: 'Queued: host memory committed 3000 of 3686 MB, needs 1024 MB',
    });
  });
});

describe('limits clamped to the ceilings', () => {
  it('lists each clamp under Resource limits on a ready preview', () => {
    const line = 'services.api: memory clamped from 200g to 4g (the repository’s ceiling)';
    const body = renderPreviewComment({
      ...base,
      state: 'ready',
      event: { kind: 'ready' },
      notices: [line],
    });
    expect(body).toContain('#### Resource limits');
    expect(body).toContain(`- ${line}`);
  });

  it('has no such section when nothing was clamped', () => {
    expect(renderPreviewComment({ ...base, state: 'ready', notices: [] })).not.toContain(
      'Resource limits',
    );
  });
});
