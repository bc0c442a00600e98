// Slack notifications (issue 12 item 5, decision 0028) through the whole control plane: the worker
// posts one message per pull request to the Slack Web API emulator when the preview starts and
// edits it in place (the same ts) until the preview is destroyed. While Slack answers every edit
// with 429 + Retry-After, the stages still run to ready (Slack never blocks a stage) and the
// message catches up once Slack accepts edits again.
import { fileURLToPath } from 'node:url';
import {
  ControlPlane,
  type EmulatedSlackMessage,
  oneServiceCompose,
  type PullRecord,
  type SlackEmulator,
  startSlackEmulator,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { removeByLabel, uniqueRepoName } from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
let plane: ControlPlane;
let slack: SlackEmulator;
let pr: PullRecord | undefined;

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  slack = await startSlackEmulator();
  slack.createChannel('previews');
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    appEnv: {
      worker: {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_API_URL: slack.apiUrl,
        SLACK_CHANNEL: '#previews',
        SLACK_EDIT_INTERVAL_S: '0',
      },
    },
  });
  await plane.github.createRepository({
    owner,
    name,
    // A few seconds before it listens: the preview is still starting when the message appears,
    // however late the sink's first job runs on a loaded machine.
    files: { 'docker-compose.yml': oneServiceCompose({ startDelaySeconds: 3 }) },
  });
}, 120_000);

afterAll(async () => {
  if (pr?.state === 'open') {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
    await plane
      .waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`).catch(() => undefined);
  await plane?.stop();
  await slack?.close();
}, 120_000);

/** This PR's top-level messages in the channel. */
function ours(number: number): EmulatedSlackMessage[] {
  return slack.messages('previews').filter((m) => m.text.startsWith(`${repository}#${number}:`));
}

function messageSaying(number: number, ending: string): Promise<EmulatedSlackMessage> {
  return waitFor(
    `#${number}'s Slack message to say "${ending}"`,
    async () => ours(number).find((m) => m.text.endsWith(ending)),
    60_000,
    100,
  ).catch((error: unknown) => {
    throw new Error(
      `${String(error)}\nmessages: ${JSON.stringify(ours(number).map((m) => m.versions))}\n${plane.logs()}`,
    );
  });
}

describe('Slack notifications', { timeout: 300_000 }, () => {
  it('one message per PR: posted when the preview starts, edited in place until destroyed; a 429 never holds a stage', async () => {
    // Slack refuses every edit until told otherwise; posting the message itself works.
    slack.faults.add('chat.update', 'ratelimited', Infinity, { retryAfterSeconds: 1 });
    pr = await plane.github.openPullRequest({ repo: repository, branch: 'feat/slack', title: 'x' });
    const number = pr.number;
    const posted = await waitFor('the Slack message', async () => ours(number)[0], 60_000, 100);
    expect(posted.text).toMatch(/: (Preview queued|Building the preview|Starting the preview)$/);

    // The stages run to ready while every edit of the message is answered 429.
    const ready = await plane.waitForState(repository, number, 'ready', { timeoutMs: 120_000 });
    // The ready event's job tries to edit the message, is told 429, and waits Retry-After.
    await waitFor(
      'an edit refused with 429',
      async () => slack.requestLog.find((e) => e.method === 'chat.update' && e.status === 429),
      60_000,
      100,
    );
    const [waiting] = ours(number);
    expect(waiting?.versions).toEqual([posted.text]);
    const refused = slack.requestLog.filter((e) => e.method === 'chat.update');
    expect(refused.every((e) => e.status === 429 && e.args['ts'] === posted.ts)).toBe(true);

    // Slack accepts edits again: the delayed job lands the newest state, in place.
    slack.faults.clear();
    const shown = await messageSaying(number, 'Preview ready');
    expect(shown.ts).toBe(posted.ts);
    const url = ready.urls?.['web'];
    expect(url).toBeDefined();
    expect(JSON.stringify(shown.blocks)).toContain(`<${url}|${new URL(url!).host}>`);
    const edits = slack.requestLog.filter((e) => e.method === 'chat.update');
    expect(edits.at(-1)).toMatchObject({ status: 200, args: { ts: posted.ts } });

    await plane.github.closePullRequest(pr, { merged: false });
    await plane.waitForState(repository, number, 'destroyed', { timeoutMs: 120_000 });
    const destroyed = await messageSaying(number, 'Preview destroyed');
    expect(destroyed.ts).toBe(posted.ts);
    expect(ours(number)).toHaveLength(1);
    expect(destroyed.versions.at(0)).toBe(posted.text);
    expect(destroyed.versions.at(-1)).toBe(`${repository}#${number}: Preview destroyed`);
    expect(destroyed.versions).toContain(`${repository}#${number}: Preview ready`);
  });
});
