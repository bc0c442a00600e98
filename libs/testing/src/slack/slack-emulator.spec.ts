// The Slack Web API emulator driven through the official client, `@slack/web-api`, as the Slack
// driver uses it: the same calls must work against Slack itself.
import {
  LogLevel,
  type Logger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SlackEmulator, startSlackEmulator } from './index.js';

// The client logs its retries at info/warn; the faults below are provoked on purpose.
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

describe('Slack Web API emulator', () => {
  let slack: SlackEmulator;
  let channel: string;
  const client = (options: WebClientOptions = {}, token: string | undefined = slack.token) =>
    new WebClient(token, {
      slackApiUrl: slack.apiUrl,
      logger: quiet,
      retryConfig: { retries: 0 },
      ...options,
    });
  const platformError = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebAPIPlatformError);
    return (error as WebAPIPlatformError).data;
  };

  beforeEach(async () => {
    slack = await startSlackEmulator({ teamName: 'Acme' });
    channel = slack.createChannel('previews');
  });
  afterEach(async () => {
    await slack.close();
  });

  it('answers auth.test for its bot token, and not_authed / invalid_auth / token_revoked otherwise', async () => {
    const me = await client().auth.test();
    expect(me).toMatchObject({
      ok: true,
      team: 'Acme',
      url: 'https://acme.slack.com/',
      team_id: slack.bot.teamId,
      user_id: slack.bot.userId,
      bot_id: slack.bot.botId,
    });
    expect((await platformError(client({}, 'xoxb-wrong').auth.test())).error).toBe('invalid_auth');
    expect((await platformError(client({}, '').auth.test())).error).toBe('not_authed');
    slack.revokeToken();
    expect((await platformError(client().auth.test())).error).toBe('token_revoked');
    // The token never lands in the request log.
    expect(JSON.stringify(slack.requestLog)).not.toContain(slack.token);
  });

  it('posts by channel name, answers the channel id and ts, and updates that message in place', async () => {
    const web = client();
    const posted = await web.chat.postMessage({
      channel: '#previews',
      text: 'acme/shop#7: building',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Building*' } }],
    });
    expect(posted).toMatchObject({ ok: true, channel });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message).toMatchObject({
      type: 'message',
      text: 'acme/shop#7: building',
      bot_id: slack.bot.botId,
      user: slack.bot.userId,
    });

    const updated = await web.chat.update({
      channel: posted.channel!,
      ts: posted.ts!,
      text: 'acme/shop#7: ready',
    });
    expect(updated).toMatchObject({ ok: true, channel, ts: posted.ts, text: 'acme/shop#7: ready' });
    expect(updated.message?.edited?.user).toBe(slack.bot.userId);
    const [message, ...others] = slack.messages('previews');
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      ts: posted.ts,
      text: 'acme/shop#7: ready',
      versions: ['acme/shop#7: building', 'acme/shop#7: ready'],
      edited: true,
      blocks: undefined,
    });
  });

  it("refuses an update by channel name, of an unknown ts, or of a message that is not the bot's", async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel, text: 'one' });
    const update = (args: { channel: string; ts: string }) =>
      platformError(web.chat.update({ ...args, text: 'two' }));
    expect((await update({ channel: '#previews', ts: posted.ts! })).error).toBe(
      'channel_not_found',
    );
    expect((await update({ channel: 'C0NOTHERE00', ts: posted.ts! })).error).toBe(
      'channel_not_found',
    );
    expect((await update({ channel, ts: '1700000000.000001' })).error).toBe('message_not_found');
    expect(slack.message(channel, posted.ts!)?.versions).toEqual(['one']);
  });

  it('keeps thread replies under their parent (a reply to a reply joins the parent thread)', async () => {
    const web = client();
    const parent = await web.chat.postMessage({ channel, text: 'parent' });
    const first = await web.chat.postMessage({ channel, text: 'detail 1', thread_ts: parent.ts! });
    expect(first.message).toMatchObject({ thread_ts: parent.ts, parent_user_id: slack.bot.userId });
    await web.chat.postMessage({ channel, text: 'detail 2', thread_ts: first.ts! });
    const [message] = slack.messages(channel);
    expect(message?.replies.map((r) => [r.text, r.threadTs])).toEqual([
      ['detail 1', parent.ts],
      ['detail 2', parent.ts],
    ]);
    expect(slack.messageJson(channel, parent.ts!)).toMatchObject({
      thread_ts: parent.ts,
      reply_count: 2,
      latest_reply: message?.replies[1]?.ts,
    });
    expect(
      (await platformError(web.chat.postMessage({ channel, text: 'x', thread_ts: '1.000001' })))
        .error,
    ).toBe('thread_not_found');
  });

  it("refuses what Slack refuses: unknown channels, archived ones, private ones the bot isn't in, empty and oversized messages, invalid blocks", async () => {
    const web = client();
    const post = (args: Record<string, unknown>) =>
      platformError(web.apiCall('chat.postMessage', args));
    expect((await post({ channel: '#nowhere', text: 'x' })).error).toBe('channel_not_found');
    const secret = slack.createChannel('secret', { isPrivate: true, isMember: false });
    expect((await post({ channel: secret, text: 'x' })).error).toBe('not_in_channel');
    const old = slack.createChannel('old');
    slack.archiveChannel(old);
    expect((await post({ channel: old, text: 'x' })).error).toBe('is_archived');
    expect((await post({ channel })).error).toBe('no_text');
    expect((await post({ channel, text: 'x'.repeat(40_001) })).error).toBe('msg_too_long');
    const tooLong = await post({
      channel,
      text: 'fallback',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3_001) } }],
    });
    expect(tooLong.error).toBe('invalid_blocks');
    expect(tooLong.response_metadata?.messages?.[0]).toMatch(
      /must be less than 3001 characters \[json-pointer:\/blocks\/0\/text\/text\]/,
    );
    expect((await post({ channel, text: 'x', blocks: '[{' })).error).toBe('invalid_blocks_format');
    expect(slack.messages(channel)).toEqual([]);
  });

  it('reads JSON bodies with a Bearer token, and form bodies with a token argument', async () => {
    const call = (method: string, init: RequestInit) =>
      fetch(`${slack.apiUrl}${method}`, { method: 'POST', ...init }).then(
        async (r) => [r.status, await r.json()] as const,
      );
    const [status, json] = await call('chat.postMessage', {
      headers: {
        authorization: `Bearer ${slack.token}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({
        channel,
        text: 'from json',
        blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Preview' } }],
      }),
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, channel });
    expect(slack.messages(channel)[0]?.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Preview' } },
    ]);
    // A token inside a JSON body is not read (Slack wants the header for JSON).
    const [, unauthenticated] = await call('auth.test', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: slack.token }),
    });
    expect(unauthenticated).toEqual({ ok: false, error: 'not_authed' });
    const [, form] = await call('auth.test', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: slack.token }).toString(),
    });
    expect(form).toMatchObject({ ok: true, user_id: slack.bot.userId });
    const [, plain] = await call('auth.test', {
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: `token=${slack.token}`,
    });
    expect(plain).toMatchObject({ ok: true });
    const [, xml] = await call('auth.test', {
      headers: { 'content-type': 'application/xml' },
      body: '<token/>',
    });
    expect(xml).toEqual({ ok: false, error: 'invalid_post_type' });
    const [unknownStatus, unknown] = await call('chat.nothing', {});
    expect([unknownStatus, unknown]).toEqual([404, { ok: false, error: 'unknown_method' }]);
    expect(slack.requestLog.map((e) => e.encoding)).toEqual([
      'json',
      'json',
      'form',
      'form',
      'none',
      'none',
    ]);
  });

  it('rate-limits with 429 and Retry-After: the client rejects with retryAfter, or waits and retries', async () => {
    slack.faults.add('chat.postMessage', 'ratelimited', 1, { retryAfterSeconds: 7 });
    const error = await client({ rejectRateLimitedCalls: true })
      .chat.postMessage({ channel, text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(slack.requestLog.at(-1)).toMatchObject({
      status: 429,
      error: 'ratelimited',
      injected: true,
    });
    expect(slack.messages(channel)).toEqual([]);

    // The client's own behaviour: wait Retry-After (1 s), then send again.
    slack.faults.add('chat.update', 'ratelimited', 1, { retryAfterSeconds: 1 });
    const web = client({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const posted = await web.chat.postMessage({ channel, text: 'one' });
    await web.chat.update({ channel, ts: posted.ts!, text: 'two' });
    expect(slack.requestLog.filter((e) => e.method === 'chat.update').map((e) => e.status)).toEqual(
      [429, 200],
    );
    expect(slack.message(channel, posted.ts!)?.versions).toEqual(['one', 'two']);
  });

  it('limits chat.postMessage per channel when asked (Slack: about one a second)', async () => {
    await slack.close();
    // A refill far slower than the test: the second post is always over the limit.
    slack = await startSlackEmulator({ postsPerSecondPerChannel: 0.01 });
    channel = slack.createChannel('previews');
    const other = slack.createChannel('other');
    const web = client({ rejectRateLimitedCalls: true });
    await web.chat.postMessage({ channel, text: 'first' });
    await expect(web.chat.postMessage({ channel, text: 'second' })).rejects.toBeInstanceOf(
      WebAPIRateLimitedError,
    );
    await web.chat.postMessage({ channel: other, text: 'elsewhere' });
    expect(slack.messages(channel).map((m) => m.text)).toEqual(['first']);
  });

  it('fails with 5xx: an HTTP error the client retries by its retry config', async () => {
    slack.faults.add('chat.postMessage', 503);
    const error = await client()
      .chat.postMessage({ channel, text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebAPIHTTPError);
    expect((error as WebAPIHTTPError).statusCode).toBe(503);

    slack.faults.add('*', 500, 2);
    const retrying = client({ retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
    await retrying.chat.postMessage({ channel, text: 'after two 500s' });
    expect(slack.messages(channel).map((m) => m.text)).toEqual(['after two 500s']);
    expect(slack.faults.remaining()).toBe(0);
  });
});
