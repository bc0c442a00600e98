export {
  CHAT_COMMAND_USAGE,
  type ChatCommand,
  type ChatCommandName,
  type ChatCommandParse,
  chatExtendRefusal,
  isChatCommand,
  lastCommandLine,
  parseChatCommand,
} from './chat-command.js';
export {
  type IssueCommentWebhook,
  notOurChatCommand,
  parseIssueCommentEvent,
} from './issue-comment-event.js';
