import { describe, expect, it } from 'vitest';
import {
  renderSlackMessage,
  SLACK_SECTION_MAX,
  slackFailureReply,
  type SlackMessageInput,
  slackNoticeReply,
  slackRedeployReply,
} from './slack-message.js';

const base: SlackMessageInput = {
  state: 'building',
  repo: 'acme/shop',
  pr: 12,
  branch: 'feat/login',
  headSha: 'abcdef0123456789abcdef0123456789abcdef01',
  generation: 2,
};
const section = (input: SlackMessageInput) => {
  const block = renderSlackMessage(input).blocks[0];
  return block?.type === 'section' ? block.text.text : '';
};
const context = (input: SlackMessageInput) => {
  const block = renderSlackMessage(input).blocks[1];
  return block?.type === 'context' ? (block.elements[0]?.text ?? '') : '';
};
const SECRET = 'Sup3r-secret-pa55word';

describe('the Slack message of a preview (decision 0028)', () => {
  it('says the state, the PR and which commit, with a plain notification text', () => {
    const view = renderSlackMessage(base);
    expect(view.text).toBe('acme/shop#12: Building the preview');
    expect(section(base)).toBe('*🔨 Building the preview* · acme/shop#12');
    expect(context(base)).toBe('`feat/login` at `abcdef0` · generation 2');
    expect(section({ ...base, state: 'requested' })).toContain('Waiting for a build slot');
    expect(section({ ...base, state: 'provisioning' })).toContain('Starting the preview');
  });

  it('links the main URL once ready, the other services in the context line', () => {
    const ready: SlackMessageInput = {
      ...base,
      state: 'ready',
      url: 'http://web-pr-12-shop.localhost:8080/',
      urls: {
        web: 'http://web-pr-12-shop.localhost:8080/',
        api: 'http://api-pr-12-shop.localhost:8080/',
      },
      consoleUrl: 'https://berth.example/environments/e1',
    };
    expect(section(ready)).toBe(
      '*✅ Preview ready* · acme/shop#12\n<http://web-pr-12-shop.localhost:8080/|web-pr-12-shop.localhost:8080>',
    );
    expect(context(ready)).toContain('<https://berth.example/environments/e1|Berth console>');
    expect(context(ready)).toContain('also <http://api-pr-12-shop.localhost:8080/|api>');
    expect(section({ ...ready, expiresAt: '2026-12-05T09:01:00.000Z' })).toContain(
      '⏰ Expires at 2026-12-05 09:01 UTC: push a commit or `berth env extend acme/shop#12` to keep it.',
    );
    const asleep = { ...ready, asleepSince: '2026-12-05T08:00:00.000Z' };
    expect(section(asleep)).toContain('*💤 Preview asleep*');
    expect(section(asleep)).toContain('opening <http://web-pr-12-shop.localhost:8080/|');
    expect(context(asleep)).not.toContain('also');
  });

  it("masks a failure's reason, keeps it to one short line, and escapes Slack's control characters", () => {
    const failed: SlackMessageInput = {
      ...base,
      state: 'failed',
      stage: 'replicate',
      reason: `web exited 1\nlog: postgres://app:${SECRET}@db/app <b>&</b>\n${'x'.repeat(1_000)}`,
      secrets: [SECRET],
    };
    const text = section(failed);
    expect(text).toContain('*❌ Preview failed at replicate*');
    expect(text).toContain(
      '> web exited 1 log: postgres://app:***@db/app &lt;b&gt;&amp;&lt;/b&gt;',
    );
    expect(text).not.toContain(SECRET);
    expect(text.length).toBeLessThan(450);
    expect(JSON.stringify(renderSlackMessage(failed))).not.toContain(SECRET);
  });

  it('ends with destroyed, expired or not, and the cost when it was measured', () => {
    expect(section({ ...base, state: 'destroyed' })).toBe('*🗑️ Preview destroyed* · acme/shop#12');
    expect(
      section({ ...base, state: 'destroyed', cost: { total: 1.234, measured: true } }),
    ).toContain('It cost $1.23 in all.');
    expect(
      section({ ...base, state: 'destroyed', cost: { total: 0.001, measured: true } }),
    ).toContain('It cost less than $0.01 in all.');
    expect(
      section({ ...base, state: 'destroyed', cost: { total: 0, measured: false } }),
    ).not.toContain('cost');
    expect(section({ ...base, state: 'destroyed', expired: true })).toContain(
      '⌛ Preview expired and destroyed',
    );
    expect(section({ ...base, state: 'destroying' })).toContain('Tearing down');
    expect(section({ ...base, state: 'held' })).toContain('preview:approved');
    expect(section({ ...base, state: 'skipped' })).toContain('preview:skip');
    expect(section({ ...base, state: 'waiting', reason: 'needs 512 MiB' })).toContain(
      'needs 512 MiB',
    );
  });

  it('never builds a section over Slack’s 3,000 characters', () => {
    const huge: SlackMessageInput = {
      ...base,
      state: 'ready',
      repo: `acme/${'r'.repeat(100)}`,
      branch: 'b'.repeat(500),
      url: `http://${'w'.repeat(60)}.localhost/`,
      urls: Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [
          `service-${i}`,
          `http://${'s'.repeat(60)}${i}.localhost/`,
        ]),
      ),
    };
    for (const block of renderSlackMessage(huge).blocks) {
      const text = block.type === 'section' ? block.text.text : (block.elements[0]?.text ?? '');
      expect(text.length).toBeLessThanOrEqual(SLACK_SECTION_MAX);
    }
  });
});

describe('the replies in its thread', () => {
  it('carries a failure’s whole log tail, masked, fenced so the log cannot close the block', () => {
    const reply = slackFailureReply({
      stage: 'build',
      error: `step 3 failed\nTOKEN=${SECRET}\n\`\`\`injected\`\`\``,
      generation: 3,
      headSha: 'abcdef0123',
      secrets: [SECRET],
    });
    expect(reply.split('\n')[0]).toBe('❌ *build* failed (generation 3, `abcdef0`):');
    expect(reply).not.toContain(SECRET);
    expect(reply.match(/```/g)).toHaveLength(2);
  });

  it('says what a new generation deploys', () => {
    expect(slackRedeployReply({ generation: 1, headSha: 'aaaaaaa1' })).toBe(
      '🔁 Generation 1: deploying `aaaaaaa`.',
    );
    expect(
      slackRedeployReply({ generation: 2, headSha: 'bbbbbbb2', previousSha: 'aaaaaaa1' }),
    ).toBe('🔁 Generation 2: redeploying: new commit `bbbbbbb` (was `aaaaaaa`).');
    expect(
      slackRedeployReply({ generation: 3, headSha: 'bbbbbbb2', previousSha: 'bbbbbbb2' }),
    ).toBe('🔁 Generation 3: rebuilding `bbbbbbb`.');
  });

  it('notes expiry, sleep and wake, masked', () => {
    expect(slackNoticeReply('expired')).toBe('⌛ Its TTL ran out: tearing the preview down.');
    expect(slackNoticeReply('asleep', `idle 4h ${SECRET}`, [SECRET])).toBe(
      '💤 Put to sleep. idle 4h ***',
    );
  });
});
