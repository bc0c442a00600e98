import { describe, expect, it } from 'vitest';
import { chatExtendRefusal, lastCommandLine, parseChatCommand } from './chat-command.js';
import { notOurChatCommand, parseIssueCommentEvent } from './issue-comment-event.js';

const H = 3_600_000;
const D = 24 * H;

describe('parseChatCommand', () => {
  it.each([
    ['/berth redeploy', { name: 'redeploy' }],
    ['/berth rebuild', { name: 'rebuild' }],
    ['/berth destroy', { name: 'destroy' }],
    ['/berth status', { name: 'status' }],
    ['/berth link', { name: 'link' }],
    ['/berth extend 3d', { name: 'extend', byMs: 3 * D }],
    ['/berth extend 12h', { name: 'extend', byMs: 12 * H }],
    ['/Berth   REDEPLOY  ', { name: 'redeploy' }],
  ])('reads %j', (body, command) => {
    expect(parseChatCommand(body)).toEqual({ kind: 'command', command, text: body.trim() });
  });

  it('reads the first non-empty line only', () => {
    const parsed = parseChatCommand('\n\n  /berth destroy\nplease, it is broken');
    expect(parsed).toEqual({
      kind: 'command',
      command: { name: 'destroy' },
      text: '/berth destroy',
    });
  });

  it.each(['LGTM', 'see /berth destroy', '/berthday', 'thanks\n/berth destroy', '', '   \n  '])(
    'ignores a comment not addressed to Berth: %j',
    (body) => {
      expect(parseChatCommand(body)).toEqual({ kind: 'none' });
    },
  );

  it('answers a bad duration naming it and the accepted forms', () => {
    const parsed = parseChatCommand('/berth extend forever');
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.reason).toContain('`forever`');
    expect(parsed.reason).toMatch(/m, h, d or w/);
    expect(parsed.reason).toContain('`3d`');
  });

  it('answers a missing or extra extend argument', () => {
    for (const body of ['/berth extend', '/berth extend 3d now']) {
      const parsed = parseChatCommand(body);
      expect(parsed.kind).toBe('invalid');
      if (parsed.kind === 'invalid') expect(parsed.reason).toMatch(/takes one duration/);
    }
  });

  it('answers an unknown command naming it and every accepted form', () => {
    const parsed = parseChatCommand('/berth nuke');
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.reason).toContain('unknown command `nuke`');
    for (const form of ['redeploy', 'rebuild', 'extend', 'destroy', 'status', 'link']) {
      expect(parsed.reason).toContain(`/berth ${form}`);
    }
  });

  it('answers a bare /berth and an argument to a command that takes none', () => {
    expect(parseChatCommand('/berth')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/no command given/),
    });
    expect(parseChatCommand('/berth destroy everything')).toMatchObject({
      kind: 'invalid',
      reason: '`/berth destroy` takes no argument (got `everything`)',
    });
  });

  it('keeps backticks in user text from breaking the inline code', () => {
    const parsed = parseChatCommand('/berth ex`tend');
    expect(parsed.kind === 'invalid' && parsed.reason).toContain("`ex'tend`");
  });
});

describe('chatExtendRefusal', () => {
  const now = 1_000_000_000_000;
  it('allows an extension whose expiry stays within the ceiling from now', () => {
    expect(chatExtendRefusal(3 * D, now + 5 * D, now, 14 * D)).toBeUndefined();
  });
  it('refuses an extension past the ceiling, naming it', () => {
    expect(chatExtendRefusal(3 * D, now + 15 * D, now, 14 * D)).toMatch(
      /beyond the operator's TTL ceiling of 14d/,
    );
    expect(chatExtendRefusal(3 * 7 * D, now + 21 * D, now, 14 * D)).toMatch(/extending by 3w|21d/);
  });
});

describe('lastCommandLine', () => {
  it('says who, what and the result, without mentioning (pinging) the author', () => {
    expect(lastCommandLine({ author: 'alice', text: '/berth destroy', result: 'destroying' })).toBe(
      '`@alice`: `/berth destroy` — destroying',
    );
  });
});

describe('parseIssueCommentEvent', () => {
  const payload = (over: Record<string, unknown> = {}) => ({
    action: 'created',
    issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/acme/shop/pulls/7' } },
    comment: { id: 99, body: '/berth status', user: { login: 'alice', type: 'User' } },
    repository: { id: 5, full_name: 'acme/shop', name: 'shop', owner: { login: 'acme' } },
    installation: { id: 3 },
    sender: { login: 'alice', type: 'User' },
    ...over,
  });

  it('flattens a comment on a pull request', () => {
    expect(parseIssueCommentEvent(payload())).toEqual({
      action: 'created',
      prNumber: 7,
      onPullRequest: true,
      commentId: 99,
      body: '/berth status',
      author: 'alice',
      authorIsBot: false,
      repository: {
        providerId: 5,
        fullName: 'acme/shop',
        owner: 'acme',
        name: 'shop',
        installationId: 3,
      },
    });
  });

  it('tells a plain issue and a bot apart', () => {
    expect(parseIssueCommentEvent(payload({ issue: { number: 7 } })).onPullRequest).toBe(false);
    const bot = payload({
      comment: { id: 1, body: '/berth destroy', user: { login: 'berth[bot]', type: 'Bot' } },
      sender: { login: 'berth[bot]', type: 'Bot' },
    });
    expect(parseIssueCommentEvent(bot).authorIsBot).toBe(true);
  });

  it('names every bad field', () => {
    expect(() => parseIssueCommentEvent({ action: 'created' })).toThrow(
      /invalid issue_comment payload: .*issue.*comment/,
    );
  });
});

describe('notOurChatCommand', () => {
  const event = (over: Partial<ReturnType<typeof parseIssueCommentEvent>> = {}) => ({
    action: 'created',
    prNumber: 7,
    onPullRequest: true,
    commentId: 99,
    body: '/berth destroy',
    author: 'alice',
    authorIsBot: false,
    repository: {
      providerId: 5,
      fullName: 'acme/shop',
      owner: 'acme',
      name: 'shop',
      installationId: 3,
    },
    ...over,
  });

  it('takes a new /berth comment on a pull request by a person', () => {
    expect(notOurChatCommand(event())).toBeUndefined();
  });
  it.each([
    [{ action: 'edited' }, 'issue_comment edited is not handled'],
    [{ action: 'deleted' }, 'issue_comment deleted is not handled'],
    [{ onPullRequest: false }, '#7 is an issue, not a pull request'],
    [{ authorIsBot: true, author: 'berth[bot]' }, 'comment 99 is by a bot (berth[bot])'],
    [{ body: 'LGTM' }, 'comment 99 is not a /berth command'],
  ])('ignores %j', (over, reason) => {
    expect(notOurChatCommand(event(over))).toBe(reason);
  });
});
