// Issue comments on PRs (the sticky preview comment lives here).
import { compilePattern } from '../route-match.js';
import { notFound } from '../http-util.js';
import { botAccount, commentJson } from '../shapes.js';
import { paginate } from '../pagination.js';
import type { EmulatorState } from '../state.js';
import type { CommentRecord, TokenRecord } from '../types.js';
import { bodyObject, intParam, ok, paged, requiredString, type Route } from './route.js';

export function commentFor(
  state: EmulatorState,
  token: TokenRecord,
  params: Record<string, string>,
): CommentRecord {
  const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
  const comment = state.comments.get(intParam(params, 'comment_id'));
  if (!comment || comment.repo !== repo.fullName) throw notFound();
  return comment;
}

export const commentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/issues/:issue_number/comments'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, query, pageUrl }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const pr = state.pull(repo, intParam(params, 'issue_number'));
      const since = query.get('since');
      const all = [...state.comments.values()]
        .filter((c) => c.repo === repo.fullName && c.issueNumber === pr.number)
        .filter((c) => !since || c.updatedAt >= since)
        .sort((a, b) => a.id - b.id);
      const page = paginate(all, query, pageUrl);
      return paged({ ...page, items: page.items.map((c) => commentJson(shapes, c)) });
    },
  },
  {
    method: 'POST',
    pattern: compilePattern('/repos/:owner/:repo/issues/:issue_number/comments'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, body }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const pr = state.pull(repo, intParam(params, 'issue_number'));
      const text = requiredString(bodyObject(body), 'body', 'IssueComment');
      const now = state.clock.now();
      const comment: CommentRecord = {
        id: state.nextCommentId(),
        repo: repo.fullName,
        issueNumber: pr.number,
        body: text,
        user: botAccount(state.app),
        createdAt: now,
        updatedAt: now,
      };
      state.comments.set(comment.id, comment);
      return {
        status: 201,
        body: commentJson(shapes, comment),
        headers: {
          location: `${shapes.baseUrl}/repos/${repo.fullName}/issues/comments/${comment.id}`,
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/issues/comments/:comment_id'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params }) =>
      ok(commentJson(shapes, commentFor(state, token, params))),
  },
  {
    method: 'PATCH',
    pattern: compilePattern('/repos/:owner/:repo/issues/comments/:comment_id'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, body }) => {
      const comment = commentFor(state, token, params);
      comment.body = requiredString(bodyObject(body), 'body', 'IssueComment');
      comment.updatedAt = state.clock.now();
      return ok(commentJson(shapes, comment));
    },
  },
  {
    method: 'DELETE',
    pattern: compilePattern('/repos/:owner/:repo/issues/comments/:comment_id'),
    auth: 'installation-token',
    handle: ({ state, token, params }) => {
      state.comments.delete(commentFor(state, token, params).id);
      return { status: 204 };
    },
  },
];
