import { describe, expect, it } from 'vitest';
import { describe as describeSettings, runCli } from './berth.js';
import { repoSetPatch, UsageError } from './repo-flags.js';

describe('berth repo set --slack-channel (decision 0028)', () => {
  it('sets a channel by name or id, and --unset slack-channel goes back to SLACK_CHANNEL', () => {
    expect(repoSetPatch({ 'slack-channel': 'previews' })).toEqual({ slackChannel: '#previews' });
    expect(repoSetPatch({ 'slack-channel': '#shop-previews' })).toEqual({
      slackChannel: '#shop-previews',
    });
    expect(repoSetPatch({ 'slack-channel': 'C0123ABCD9' })).toEqual({ slackChannel: 'C0123ABCD9' });
    expect(repoSetPatch({ unset: ['slack-channel'] })).toEqual({ slackChannel: null });
    expect(() => repoSetPatch({ 'slack-channel': 'Shop Previews' })).toThrow(UsageError);
    expect(() => repoSetPatch({ 'slack-channel': 'Shop Previews' })).toThrow(
      /--slack-channel: must be a channel id such as C0123ABCD or a channel name such as #previews/,
    );
  });

  it('refuses a bad channel before calling the api, exit 2; shows the channel in `repo show`', async () => {
    const err: string[] = [];
    const code = await runCli(
      ['repo', 'set', 'acme/shop', '--slack-channel', '#Not Valid'],
      { BERTH_ADMIN_TOKEN: 'x'.repeat(32), BERTH_API_URL: 'http://127.0.0.1:9' },
      { out: () => undefined, err: (line) => err.push(line) },
    );
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('--slack-channel: must be');
    const view = {
      fullName: 'acme/shop',
      configured: true,
      enabled: true,
      accessMode: 'private',
      allowedVariables: [],
    };
    expect(describeSettings({ ...view, slackChannel: '#previews' })).toContain(
      'Slack channel:      #previews',
    );
    expect(describeSettings(view)).toContain(
      "Slack channel:      operator's SLACK_CHANNEL (default)",
    );
  });
});
