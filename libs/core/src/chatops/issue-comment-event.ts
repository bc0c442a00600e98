import { z } from 'zod';
import { PayloadError } from '../events/pull-request-event.js';
import { parseChatCommand } from './chat-command.js';

const id = z.number().int().positive();
const text = z.string().min(1);

const payloadSchema = z.object({
  action: text,
  issue: z.object({
    number: id,
    // Present (with URLs) only when the issue is a pull request.
    pull_request: z.object({ url: z.string().optional() }).nullish(),
  }),
  comment: z.object({
    id,
    body: z.string().nullish(),
    user: z.object({ login: text, id: id.optional(), type: z.string().optional() }),
  }),
  repository: z.object({
    id,
    full_name: text,
    name: text,
    owner: z.object({ login: text }),
  }),
  installation: z.object({ id }, { error: 'is required (is the webhook an App webhook?)' }),
  sender: z.object({ login: text, type: z.string().optional() }),
});

/** An `issue_comment` delivery, validated and flattened (what chat-ops needs). */
export interface IssueCommentWebhook {
  action: string;
  /** The issue's number: the pull request's when `onPullRequest`. */
  prNumber: number;
  onPullRequest: boolean;
  commentId: number;
  body: string;
  /** Who wrote the comment, and whether GitHub says it is a bot (an App, Berth included). */
  author: string;
  /** The author's GitHub user id: stable across renames (the audit log's actor). */
  authorId?: number;
  authorIsBot: boolean;
  repository: {
    providerId: number;
    fullName: string;
    owner: string;
    name: string;
    installationId: number;
  };
}

/** Validates an `issue_comment` payload; throws PayloadError naming every bad field. */
export function parseIssueCommentEvent(payload: unknown): IssueCommentWebhook {
  const result = payloadSchema.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    );
    throw new PayloadError(`invalid issue_comment payload: ${problems.join('; ')}`);
  }
  const p = result.data;
  const user = p.comment.user;
  return {
    action: p.action,
    prNumber: p.issue.number,
    onPullRequest: p.issue.pull_request !== null && p.issue.pull_request !== undefined,
    commentId: p.comment.id,
    body: p.comment.body ?? '',
    author: user.login,
    ...(user.id === undefined ? {} : { authorId: user.id }),
    // GitHub marks Apps' accounts `type: Bot` and their logins `name[bot]`.
    authorIsBot:
      user.type === 'Bot' || p.sender.type === 'Bot' || user.login.toLowerCase().endsWith('[bot]'),
    repository: {
      providerId: p.repository.id,
      fullName: p.repository.full_name,
      owner: p.repository.owner.login,
      name: p.repository.name,
      installationId: p.installation.id,
    },
  };
}

/** Why an `issue_comment` delivery is not a chat-op for Berth, or undefined when it is. */
export function notOurChatCommand(event: IssueCommentWebhook): string | undefined {
  if (event.action !== 'created') return `issue_comment ${event.action} is not handled`;
  if (!event.onPullRequest) return `#${event.prNumber} is an issue, not a pull request`;
  if (event.authorIsBot) return `comment ${event.commentId} is by a bot (${event.author})`;
  if (parseChatCommand(event.body).kind === 'none') {
    return `comment ${event.commentId} is not a /berth command`;
  }
  return undefined;
}
