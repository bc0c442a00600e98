import { normaliseSlackChannel, SLACK_CHANNEL_FORM } from '@berth/core';
import { z } from 'zod';
import { httpUrl } from './fields.js';

// Slack notifications (docs/decisions/0028-slack-notifications.md): one message per pull request,
// edited in place through the lifecycle. Off unless SLACK_BOT_TOKEN is set. The channel comes
// from the operator (this default, or `berth repo set --slack-channel`), never from a PR.

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export const slackSettings = {
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^xox[bp]-[A-Za-z0-9-]{8,}$/, 'must be a Slack bot token (xoxb-…)')
    .optional()
    .describe(
      "the Slack app's bot token (OAuth & Permissions → Bot User OAuth Token; scope chat:write, " +
        'and chat:write.public to post in channels the bot has not joined); unset = no Slack',
    ),
  SLACK_API_URL: httpUrl('e.g. https://slack.com/api/')
    .default(DEFAULT_SLACK_API_URL)
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .describe(
      `Slack's Web API root; default ${DEFAULT_SLACK_API_URL} (tests point it at an emulator)`,
    ),
  SLACK_CHANNEL: z
    .string()
    .transform((value, ctx) => {
      const channel = normaliseSlackChannel(value);
      if (channel === undefined) {
        ctx.addIssue({ code: 'custom', message: `must be ${SLACK_CHANNEL_FORM}` });
        return z.NEVER;
      }
      return channel;
    })
    .optional()
    .describe(
      'the channel for repositories without their own (berth repo set --slack-channel); ' +
        'unset = only repositories with a channel are notified',
    ),
  SLACK_EDIT_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds' })
    .min(0, 'must be 0 or more')
    .max(300, 'must be at most 300 (the last state waits this long at most)')
    .default(2)
    .describe(
      "least time between two edits of one pull request's message; edits in between wait and " +
        'the last state always lands; default 2',
    ),
};
