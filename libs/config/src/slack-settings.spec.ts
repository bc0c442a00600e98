import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';
import { workerConfigSchema } from './schemas.js';
import { redactConfig } from './secrets.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const valid = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  GITHUB_APP_ID: '1',
  GITHUB_APP_PRIVATE_KEY: 'k'.repeat(64),
  BERTH_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  PREVIEW_LINK_SECRET: 's'.repeat(32),
};
const TOKEN = 'xoxb-1111-2222-abcdefABCDEF';

describe('Slack settings (decision 0028)', () => {
  it('is off without a token; talks to slack.com with edits at most every 2 s', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, valid);
    expect(config.SLACK_BOT_TOKEN).toBeUndefined();
    expect(config.SLACK_CHANNEL).toBeUndefined();
    expect(config).toMatchObject({
      SLACK_API_URL: 'https://slack.com/api/',
      SLACK_EDIT_INTERVAL_S: 2,
    });
  });

  it('takes a token (also from SLACK_BOT_TOKEN_FILE), an API root and a default channel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-slack-'));
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...valid,
      SLACK_BOT_TOKEN_FILE: join(dir, 'token'),
      SLACK_API_URL: 'http://127.0.0.1:4567/api',
      SLACK_CHANNEL: 'previews',
    });
    expect(config).toMatchObject({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: 'http://127.0.0.1:4567/api/',
      SLACK_CHANNEL: '#previews',
    });
  });

  it('never shows the token in what is logged, and names a bad value without echoing it', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...valid,
      SLACK_BOT_TOKEN: TOKEN,
    });
    expect(JSON.stringify(redactConfig(config))).not.toContain(TOKEN);
    let message = '';
    try {
      loadConfig('berth-worker', workerConfigSchema, {
        ...valid,
        SLACK_BOT_TOKEN: 'not-a-token-secretvalue',
        SLACK_CHANNEL: 'Two Words',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SLACK_BOT_TOKEN: must be a Slack bot token/);
    expect(message).toMatch(/SLACK_CHANNEL: must be a channel id/);
    expect(message).not.toContain('secretvalue');
  });
});
