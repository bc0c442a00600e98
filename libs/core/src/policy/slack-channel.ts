// Where a repository's Slack notifications go (decision 0028): an operator setting, never the
// pull request's files. A channel is named as Slack's chat.postMessage accepts it: an id
// (`C0123ABCD`, from the channel's "About" panel) or a name (`#previews` or `previews`).

/** Slack channel names: lowercase letters, digits, `-`, `_` (and `.` in older ones), ≤ 80. */
const CHANNEL_NAME = /^[a-z0-9][a-z0-9._-]{0,79}$/;
/** Conversation ids: C (channels), G (older private channels), D (direct messages). */
const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;

export const SLACK_CHANNEL_FORM =
  'a channel id such as C0123ABCD or a channel name such as #previews (lowercase letters, digits, - and _)';

/**
 * The channel in the form the driver sends (an id as is, a name as `#name`), or undefined when
 * `input` is neither.
 */
export function normaliseSlackChannel(input: string): string | undefined {
  const value = input.trim();
  if (CHANNEL_ID.test(value)) return value;
  const name = value.replace(/^#/, '');
  return CHANNEL_NAME.test(name) ? `#${name}` : undefined;
}
