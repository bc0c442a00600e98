// The Web API methods the emulator serves, with the checks and error strings Slack documents:
// https://docs.slack.dev/reference/methods/auth.test, …/chat.postMessage, …/chat.update
import { readBlocks } from './blocks.js';
import { channelNotFound, messageNotFound, SlackApiError } from './errors.js';
import { stringArg } from './protocol.js';
import type { MessageRecord, Workspace } from './state.js';

/** Past this Slack refuses a message (it advises 4,000 and truncates after 40,000). */
export const TEXT_MAX = 40_000;

export type MethodHandler = (
  workspace: Workspace,
  args: Record<string, unknown>,
) => Record<string, unknown>;

export const METHODS: Record<string, MethodHandler> = {
  'auth.test': (workspace) => ({
    url: `https://${workspace.bot.teamDomain}.slack.com/`,
    team: workspace.bot.teamName,
    user: workspace.bot.userName,
    team_id: workspace.bot.teamId,
    user_id: workspace.bot.userId,
    bot_id: workspace.bot.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (workspace, args) => {
    const name = stringArg(args, 'channel');
    const channel = name ? workspace.resolve(name) : undefined;
    if (!channel) throw channelNotFound();
    if (channel.isArchived) throw new SlackApiError('is_archived');
    if (channel.isPrivate && !channel.isMember) throw new SlackApiError('not_in_channel');
    const { text, blocks } = content(args);
    let threadTs = stringArg(args, 'thread_ts');
    if (threadTs !== undefined) {
      // Slack attaches a reply to a reply's parent. A ts that names no message is accepted by
      // Slack and the reply is never seen; the emulator refuses it so a driver bug shows.
      const parent = workspace.find(channel.id, threadTs);
      if (!parent) throw new SlackApiError('thread_not_found');
      threadTs = parent.threadTs ?? parent.ts;
    }
    const message = workspace.add({
      channel: channel.id,
      text,
      blocks,
      user: workspace.bot.userId,
      botId: workspace.bot.botId,
      threadTs,
    });
    return { channel: channel.id, ts: message.ts, message: messageJson(workspace, message) };
  },

  'chat.update': (workspace, args) => {
    // An id only: a `#name` is not found (post, keep the returned channel id, update with it).
    const id = stringArg(args, 'channel');
    const channel = id ? workspace.byId(id) : undefined;
    if (!channel) throw channelNotFound();
    if (channel.isArchived) throw new SlackApiError('is_inactive');
    const ts = stringArg(args, 'ts');
    const message = ts ? workspace.find(channel.id, ts) : undefined;
    if (!message) throw messageNotFound();
    if (message.user !== workspace.bot.userId) throw new SlackApiError('cant_update_message');
    const { text, blocks } = content(args);
    message.text = text;
    message.blocks = blocks;
    message.versions.push(text);
    message.editedTs = workspace.nextTs();
    return {
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: messageJson(workspace, message),
    };
  },
};

function content(args: Record<string, unknown>): { text: string; blocks: unknown[] | undefined } {
  const text = stringArg(args, 'text') ?? '';
  const blocks = readBlocks(args['blocks']);
  if (text === '' && !blocks && args['attachments'] === undefined) {
    throw new SlackApiError('no_text');
  }
  if (text.length > TEXT_MAX) throw new SlackApiError('msg_too_long');
  return { text, blocks };
}

/** A message as the Web API returns it. */
export function messageJson(workspace: Workspace, message: MessageRecord): Record<string, unknown> {
  const replies =
    message.threadTs === undefined ? workspace.replies(message.channel, message.ts) : [];
  return {
    type: 'message',
    text: message.text,
    user: message.user,
    ...(message.botId ? { bot_id: message.botId, app_id: workspace.bot.appId } : {}),
    team: workspace.bot.teamId,
    ts: message.ts,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.threadTs
      ? { thread_ts: message.threadTs, parent_user_id: workspace.bot.userId }
      : {}),
    ...(replies.length > 0
      ? {
          thread_ts: message.ts,
          reply_count: replies.length,
          latest_reply: replies.at(-1)?.ts,
          reply_users: [...new Set(replies.map((r) => r.user))],
        }
      : {}),
    ...(message.editedTs ? { edited: { user: message.user, ts: message.editedTs } } : {}),
  };
}
