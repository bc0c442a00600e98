// The Slack driver against the Slack Web API emulator: `@slack/web-api` speaks the real wire
// protocol to it; nothing of ours is stubbed.
import { type SlackEmulator, startSlackEmulator } from '@berth/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatApiError } from './chat.port.js';
import { SlackChat, type SlackChatOptions } from './slack-chat.js';

let slack: SlackEmulator;
let channel: string;
const warnings: string[] = [];
const driver = (options: Partial<SlackChatOptions> = {}) =>
  new SlackChat({
    token: slack.token,
    apiUrl: slack.apiUrl,
    retryMinMs: 1,
    log: { warn: (m) => warnings.push(m) },
    ...options,
  });
const failure = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ChatApiError);
      return error as ChatApiError;
    },
  );

beforeEach(async () => {
  slack = await startSlackEmulator();
  channel = slack.createChannel('previews');
  warnings.length = 0;
});
afterEach(async () => {
  await slack.close();
});

describe('SlackChat', () => {
  it('checks its token, posts by name, updates by the answered id and ts, replies in the thread', async () => {
    const chat = driver();
    expect(await chat.identity()).toEqual({
      team: 'Berth Test',
      teamId: slack.bot.teamId,
      user: 'berth',
      userId: slack.bot.userId,
    });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Building*' } }];
    const posted = await chat.post('#previews', { text: 'building', blocks });
    expect(posted).toEqual({ channel, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    await chat.update(posted, { text: 'ready' });
    await chat.post(posted.channel, { text: 'a detail' }, posted.ts);
    const [message] = slack.messages(channel);
    expect(message).toMatchObject({ ts: posted.ts, versions: ['building', 'ready'] });
    expect(message?.replies.map((r) => r.text)).toEqual(['a detail']);
    // Preview URLs are not unfurled into cards.
    expect(slack.requestLog[1]?.args).toMatchObject({ unfurl_links: 'false' });
  });

  it("hands a 429 back at once with its Retry-After (the sink's queue waits, not this client)", async () => {
    slack.faults.add('chat.update', 'ratelimited', 1, { retryAfterSeconds: 3 });
    const chat = driver();
    const posted = await chat.post(channel, { text: 'one' });
    const error = await failure(chat.update(posted, { text: 'two' }));
    expect(error).toMatchObject({ code: 'ratelimited', retryAfterMs: 3_000, permanent: false });
    expect(slack.requestLog.filter((e) => e.method === 'chat.update')).toHaveLength(1);
    // The next call goes straight through: the client's queue was never paused.
    await chat.update(posted, { text: 'two' });
    expect(slack.message(channel, posted.ts)?.versions).toEqual(['one', 'two']);
  });

  it('retries a 5xx a bounded number of times, then fails with a retryable error', async () => {
    slack.faults.add('chat.postMessage', 503, 2);
    expect(await driver({ retries: 2 }).post(channel, { text: 'after two 503s' })).toMatchObject({
      channel,
    });
    slack.faults.add('chat.postMessage', 500, 3);
    const error = await failure(driver({ retries: 2 }).post(channel, { text: 'x' }));
    expect(error).toMatchObject({ code: 'http_500', permanent: false });
    expect(slack.faults.remaining()).toBe(0);
    expect(slack.messages(channel).map((m) => m.text)).toEqual(['after two 503s']);
  });

  it("names Slack's error, says when retrying cannot help, and never shows the token", async () => {
    const chat = driver();
    const missing = await failure(chat.post('#nowhere', { text: 'x' }));
    expect(missing).toMatchObject({ code: 'channel_not_found', permanent: true });
    expect(missing.message).toBe('Slack: could not post the preview message: channel_not_found');
    const gone = await failure(chat.update({ channel, ts: '1700000000.000001' }, { text: 'x' }));
    expect(gone).toMatchObject({ code: 'message_not_found', permanent: true });
    slack.revokeToken();
    const revoked = await failure(chat.identity());
    expect(revoked).toMatchObject({ code: 'token_revoked', permanent: true });
    for (const error of [missing, gone, revoked]) {
      expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(
        slack.token,
      );
    }
    expect(warnings.join('\n')).not.toContain(slack.token);
  });
});
