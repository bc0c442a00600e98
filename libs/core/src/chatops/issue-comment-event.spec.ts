import { describe, expect, it } from 'vitest';
import { parseIssueCommentEvent } from './issue-comment-event.js';

const payload = (user: Record<string, unknown>) => ({
  action: 'created',
  issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/acme/shop/pulls/7' } },
  comment: { id: 11, body: '/berth destroy', user },
  repository: { id: 99, full_name: 'acme/shop', name: 'shop', owner: { login: 'acme' } },
  installation: { id: 5 },
  sender: { login: 'ada', type: 'User' },
});

describe('parseIssueCommentEvent', () => {
  it("keeps the author's GitHub user id, the audit log's stable actor", () => {
    const event = parseIssueCommentEvent(payload({ login: 'ada', id: 583231, type: 'User' }));
    expect(event).toMatchObject({ author: 'ada', authorId: 583231, authorIsBot: false });
  });

  it('reads a payload without the id (the login stands in)', () => {
    const event = parseIssueCommentEvent(payload({ login: 'ada' }));
    expect(event.author).toBe('ada');
    expect(event).not.toHaveProperty('authorId');
  });

  it('names a bad user id', () => {
    expect(() => parseIssueCommentEvent(payload({ login: 'ada', id: 'x' }))).toThrow(
      /comment\.user\.id/,
    );
  });
});
