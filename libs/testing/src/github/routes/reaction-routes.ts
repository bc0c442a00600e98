// Reactions on issue comments: how Berth acknowledges a PR chat-op (decision 0026).
import { compilePattern } from '../route-match.js';
import { validationFailed } from '../http-util.js';
import { botAccount, userJson } from '../shapes.js';
import type { ReactionRecord } from '../types.js';
import { commentFor } from './comment-routes.js';
import { bodyObject, requiredString, type Route } from './route.js';

/** What GitHub accepts as `content`. */
const CONTENTS = new Set(['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']);

let nextReactionId = 1;

export const reactionRoutes: Route[] = [
  {
    method: 'POST',
    pattern: compilePattern('/repos/:owner/:repo/issues/comments/:comment_id/reactions'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, body }) => {
      const comment = commentFor(state, token, params);
      const content = requiredString(bodyObject(body), 'content', 'Reaction');
      if (!CONTENTS.has(content)) throw validationFailed('Reaction', 'content');
      const user = botAccount(state.app);
      const reactions = (comment.reactions ??= []);
      const json = (r: ReactionRecord) => ({
        id: r.id,
        node_id: `REA_${r.id}`,
        user: userJson(shapes, r.user),
        content: r.content,
        created_at: r.createdAt,
      });
      // GitHub: the same user's same reaction again is 200 with the existing one, not a second.
      const existing = reactions.find((r) => r.content === content && r.user.login === user.login);
      if (existing) return { status: 200, body: json(existing) };
      const reaction: ReactionRecord = {
        id: nextReactionId++,
        content,
        user,
        createdAt: state.clock.now(),
      };
      reactions.push(reaction);
      return { status: 201, body: json(reaction) };
    },
  },
];
