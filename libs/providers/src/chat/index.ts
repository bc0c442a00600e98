export {
  ChatApiError,
  type ChatIdentity,
  type ChatMessage,
  type ChatPort,
  type PostedMessage,
} from './chat.port.js';
export { SlackChat, type SlackChatOptions, toChatError } from './slack-chat.js';
