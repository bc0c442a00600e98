// One emulated workspace: its channels, the bot, and every message with its edits and replies.
import { randomChars } from '../aws/shared/http.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export interface ChannelRecord {
  /** `C…` for public channels, `G…`-style ids are not used any more: private ones are `C…` too. */
  id: string;
  name: string;
  isPrivate: boolean;
  /** Whether the bot is a member: needed to post in a private channel (`not_in_channel`). */
  isMember: boolean;
  isArchived: boolean;
}

export interface MessageRecord {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[] | undefined;
  /** Who posted it (the bot's user id for messages the emulator's bot posted). */
  user: string;
  botId: string | undefined;
  /** The parent's ts for a reply; unset for a top-level message. */
  threadTs: string | undefined;
  /** Every text it has had, oldest first (the first is what was posted). */
  versions: string[];
  /** When `chat.update` last edited it (`edited.ts`). */
  editedTs: string | undefined;
}

export interface Bot {
  teamId: string;
  teamName: string;
  teamDomain: string;
  userId: string;
  userName: string;
  botId: string;
  appId: string;
}

export class Workspace {
  readonly bot: Bot;
  private readonly channels = new Map<string, ChannelRecord>();
  /** Per channel: ts → message (top-level and replies). */
  private readonly messagesByChannel = new Map<string, Map<string, MessageRecord>>();
  private lastMicros = 0;

  constructor(teamName: string) {
    const domain = teamName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    this.bot = {
      teamId: `T${randomChars(10, ID_ALPHABET)}`,
      teamName,
      teamDomain: domain,
      userId: `U${randomChars(10, ID_ALPHABET)}`,
      userName: 'berth',
      botId: `B${randomChars(10, ID_ALPHABET)}`,
      appId: `A${randomChars(10, ID_ALPHABET)}`,
    };
  }

  createChannel(
    name: string,
    options: { isPrivate?: boolean; isMember?: boolean; isArchived?: boolean } = {},
  ): ChannelRecord {
    const clean = name.replace(/^#/, '').toLowerCase();
    if (this.byName(clean)) throw new Error(`channel #${clean} exists already`);
    const record: ChannelRecord = {
      id: `C${randomChars(10, ID_ALPHABET)}`,
      name: clean,
      isPrivate: options.isPrivate ?? false,
      isMember: options.isMember ?? true,
      isArchived: options.isArchived ?? false,
    };
    this.channels.set(record.id, record);
    this.messagesByChannel.set(record.id, new Map());
    return record;
  }

  allChannels(): ChannelRecord[] {
    return [...this.channels.values()];
  }

  /** By id only (what chat.update needs). */
  byId(id: string): ChannelRecord | undefined {
    return this.channels.get(id);
  }

  byName(name: string): ChannelRecord | undefined {
    const clean = name.replace(/^#/, '').toLowerCase();
    return [...this.channels.values()].find((c) => c.name === clean);
  }

  /** An id, a `#name` or a bare name, as chat.postMessage accepts. */
  resolve(channel: string): ChannelRecord | undefined {
    return this.byId(channel) ?? this.byName(channel);
  }

  /**
   * A new message ts: the epoch seconds and six digits, unique and increasing in the workspace,
   * the form Slack uses (`1503435956.000247`).
   */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  add(message: Omit<MessageRecord, 'ts' | 'versions' | 'editedTs'>): MessageRecord {
    const record: MessageRecord = {
      ...message,
      ts: this.nextTs(),
      versions: [message.text],
      editedTs: undefined,
    };
    this.messagesByChannel.get(message.channel)?.set(record.ts, record);
    return record;
  }

  /** Removes a message and its replies (someone deleted it in Slack). */
  remove(channelId: string, ts: string): boolean {
    const messages = this.messagesByChannel.get(channelId);
    if (!messages?.has(ts)) return false;
    for (const [key, message] of messages) {
      if (key === ts || message.threadTs === ts) messages.delete(key);
    }
    return true;
  }

  find(channelId: string, ts: string): MessageRecord | undefined {
    return this.messagesByChannel.get(channelId)?.get(ts);
  }

  /** Top-level messages of a channel, oldest first. */
  topLevel(channelId: string): MessageRecord[] {
    return [...(this.messagesByChannel.get(channelId)?.values() ?? [])].filter(
      (m) => m.threadTs === undefined,
    );
  }

  /** Replies in a thread, oldest first. */
  replies(channelId: string, threadTs: string): MessageRecord[] {
    return [...(this.messagesByChannel.get(channelId)?.values() ?? [])].filter(
      (m) => m.threadTs === threadTs,
    );
  }
}
