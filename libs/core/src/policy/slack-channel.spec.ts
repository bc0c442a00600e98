import { describe, expect, it } from 'vitest';
import { parseRepositorySettingsPatch } from './repository-settings.js';
import { normaliseSlackChannel } from './slack-channel.js';

describe('a repository’s Slack channel (decision 0028)', () => {
  it('takes a channel id as is and a name as #name', () => {
    expect(normaliseSlackChannel('C0123ABCD9')).toBe('C0123ABCD9');
    expect(normaliseSlackChannel(' previews ')).toBe('#previews');
    expect(normaliseSlackChannel('#team_shop-previews')).toBe('#team_shop-previews');
  });

  it('refuses what Slack would not take as a channel', () => {
    for (const bad of ['', '#', 'Previews', 'two words', '#a/b', `#${'x'.repeat(81)}`, '@ada']) {
      expect(normaliseSlackChannel(bad), bad).toBeUndefined();
    }
  });

  it('is an operator setting: set, cleared with null, refused with the form it should have', () => {
    expect(parseRepositorySettingsPatch({ slackChannel: 'previews' })).toEqual({
      ok: true,
      patch: { slackChannel: '#previews' },
    });
    expect(parseRepositorySettingsPatch({ slackChannel: null })).toEqual({
      ok: true,
      patch: { slackChannel: null },
    });
    const refused = parseRepositorySettingsPatch({ slackChannel: 'Not A Channel' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.problems[0]).toEqual({
      field: 'slackChannel',
      message: expect.stringContaining('a channel id such as C0123ABCD or a channel name'),
    });
  });
});
