import { describe, expect, it } from 'vitest';
import { type PreviewCommentInput, renderPreviewComment } from './preview-comment.js';

const base: PreviewCommentInput = {
  state: 'ready',
  repo: 'acme/shop',
  pr: 12,
  headSha: 'a'.repeat(40),
  generation: 3,
  urls: { web: 'http://web-pr-12-shop.localhost' },
  services: [{ name: 'web', status: 'healthy' }],
  stages: [],
  labelNotes: [],
};

describe('the comment’s cost footer (decision 0025)', () => {
  it('says what a live preview has cost so far, just above the footer line', () => {
    const body = renderPreviewComment({ ...base, cost: { total: 0.4172, measured: true } });
    const lines = body.trimEnd().split('\n');
    expect(lines.at(-3)).toBe('This preview has cost $0.42 so far.');
    expect(lines.at(-1)).toMatch(/^<sub>acme\/shop#12 · commit `aaaaaaa`/);
  });

  it('gives the total once destroyed', () => {
    const body = renderPreviewComment({
      ...base,
      state: 'destroyed',
      urls: {},
      cost: { total: 1.5, measured: true },
    });
    expect(body).toContain('This preview cost $1.50 in all.');
    expect(body).not.toContain('so far');
  });

  it('shows nothing before the first measurement, or without cost telemetry', () => {
    expect(renderPreviewComment({ ...base, cost: { total: 0, measured: false } })).not.toMatch(
      /cost/,
    );
    expect(renderPreviewComment(base)).not.toMatch(/This preview (has )?cost/);
  });
});
