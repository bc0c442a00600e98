// PR chat-ops (issue 12 item 6, decision 0026) through the whole control plane: `/berth …`
// comments arrive as signed `issue_comment` webhooks, go through the webhook inbox and the
// worker's command path, are acknowledged with a reaction on the comment and answered in the
// sticky comment's "last command" line. Write access is GitHub's answer, asked the way a fork's
// `preview:approved` is.
import { fileURLToPath } from 'node:url';
import {
  type ControlPlane as Plane,
  ControlPlane,
  oneServiceCompose,
  type PullRecord,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { removeByLabel, uniqueRepoName } from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
const STICKY = '<!-- berth:preview -->';
let plane: Plane;
let pr: PullRecord | undefined;

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    // The operator's TTL ceiling: 2 days. A PR may extend within it, never past it.
    appEnv: { worker: { TTL_DEFAULT_HOURS: '24', TTL_MAX_HOURS: '48' } },
  });
  await plane.github.createRepository({
    owner,
    name,
    files: { 'docker-compose.yml': oneServiceCompose() },
  });
  plane.github.setPermission(repository, 'passer-by', 'read');
  plane.github.setPermission(repository, 'maintainer', 'write');
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
}, 120_000);

/** Comments `body` as `author`; resolves once Berth reacted to it, with the reaction. */
async function command(number: number, body: string, author: string) {
  const { comment, sent } = plane.github.commentOnPullRequest(repository, number, body, {
    author,
  });
  const delivery = await sent;
  expect(delivery?.response?.status).toBe(202);
  expect(delivery?.response?.body).toMatchObject({ status: 'queued' });
  const reaction = await waitFor(
    `Berth's reaction to "${body}"`,
    async () => plane.github.reactions(comment.id)[0],
    60_000,
    100,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${plane.logs()}`);
  });
  return { comment, delivery: delivery!, reaction: reaction.content };
}

/** The sticky comment once its "last command" line says `text`. */
function lastCommandSaying(number: number, text: string): Promise<string> {
  const sticky = () =>
    plane.github.comments(repository, number).find((c) => c.body.startsWith(STICKY))?.body;
  return waitFor(
    `the sticky comment to say "${text}"`,
    async () => {
      const body = sticky();
      const line = body?.split('\n').find((l) => l.startsWith('**Last command:**'));
      return line?.includes(text) ? line : undefined;
    },
    60_000,
    100,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\nsticky: ${sticky()}\n${plane.logs()}`);
  });
}

describe('PR chat-ops', { timeout: 300_000 }, () => {
  it('a reader is refused and nothing happens; a maintainer extends within the ceiling and destroys; a replay acts once', async () => {
    pr = await plane.github.openPullRequest({ repo: repository, branch: 'feat/chat', title: 'x' });
    const number = pr.number;
    const ready = await plane.waitForState(repository, number, 'ready', { timeoutMs: 120_000 });

    // Without write access: refused, said why, and the preview is untouched.
    const refused = await command(number, '/berth destroy', 'passer-by');
    expect(refused.reaction).toBe('confused');
    const why = await lastCommandSaying(number, 'passer-by');
    expect(why).toContain('`/berth destroy`');
    expect(why).toContain(`refused: passer-by does not have write access to ${repository}`);
    const after = await plane.environment(repository, number);
    expect(after).toMatchObject({ state: 'ready', generation: ready.generation });

    // An argument Berth cannot read is named, with the accepted forms.
    const bad = await command(number, '/berth extend forever', 'maintainer');
    expect(bad.reaction).toBe('confused');
    expect(await lastCommandSaying(number, 'forever')).toMatch(
      /duration `forever` is not valid: .*m, h, d or w/,
    );

    // Beyond the operator's ceiling (48 h from now): refused with the reason.
    const beyond = await command(number, '/berth extend 3d', 'maintainer');
    expect(beyond.reaction).toBe('confused');
    expect(await lastCommandSaying(number, 'extend 3d')).toContain(
      "beyond the operator's TTL ceiling of 2d",
    );
    // Within it: accepted.
    const within = await command(number, '/berth extend 12h', 'maintainer');
    expect(within.reaction).toBe('eyes');
    expect(await lastCommandSaying(number, 'extend 12h')).toMatch(/— expires at 20\d\d-/);

    // A maintainer destroys the preview.
    const destroy = await command(number, '/berth destroy', 'maintainer');
    expect(destroy.reaction).toBe('eyes');
    const destroyed = await plane.waitForState(repository, number, 'destroyed', {
      timeoutMs: 120_000,
    });
    expect(await lastCommandSaying(number, '`@maintainer`: `/berth destroy`')).toContain(
      'destroying the preview',
    );

    // GitHub redelivers the destroy (same delivery id): stored once, acted on once.
    const replay = await plane.github.redeliver(destroy.delivery);
    expect(replay?.response?.status).toBe(202);
    expect(replay?.response?.body).toMatchObject({
      status: 'duplicate',
      deliveryId: destroy.delivery.deliveryId,
    });
    // A later command of the same PR runs after anything queued before it: by its answer, the
    // replay (had it been queued) would have acted.
    const status = await command(number, '/berth status', 'maintainer');
    expect(status.reaction).toBe('eyes');
    expect(await lastCommandSaying(number, '/berth status')).toContain(
      `the preview is destroyed (generation ${destroyed.generation}`,
    );
    expect(await plane.environment(repository, number)).toMatchObject({
      state: 'destroyed',
      generation: destroyed.generation,
    });
    expect(plane.github.reactions(destroy.comment.id)).toHaveLength(1);

    // `link` never puts a share link in the PR: it says where to mint one.
    const link = await command(number, '/berth link', 'maintainer');
    expect(link.reaction).toBe('eyes');
    const answer = await lastCommandSaying(number, '/berth link');
    expect(answer).toContain('berth env link');
    expect(answer).not.toMatch(/https?:\/\//);
  });

  it('ignores bots, edits and comments that are not commands', async () => {
    const number = pr!.number;
    const bot = plane.github.commentOnPullRequest(repository, number, '/berth destroy', {
      author: 'other-app[bot]',
      bot: true,
    });
    expect((await bot.sent)?.response?.body).toMatchObject({ status: 'ignored' });
    const chatter = plane.github.commentOnPullRequest(repository, number, 'LGTM /berth', {
      author: 'maintainer',
    });
    expect((await chatter.sent)?.response?.body).toMatchObject({
      status: 'ignored',
      detail: expect.stringMatching(/not a \/berth command/),
    });
  });
});
