// The Web API's wire format: `POST /api/<method>` with a form-encoded or JSON body (or query
// arguments), the token as `Authorization: Bearer …` (or a `token` form argument), answers as
// JSON with `ok`. https://docs.slack.dev/apis/web-api/
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SlackApiError } from './errors.js';

export interface SlackRequest {
  method: string;
  /** Arguments from the query string and the body; JSON values stay JSON (blocks as arrays). */
  args: Record<string, unknown>;
  /** The bearer token or `token` argument, if any. */
  token: string | undefined;
  /** How the body came: `form`, `json`, or `none`. */
  encoding: 'form' | 'json' | 'none';
}

/**
 * Reads a request's arguments the way Slack does: JSON bodies must carry the token in the
 * Authorization header (a `token` inside JSON is not read); form bodies may carry it as `token`.
 */
export function parseRequest(
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
  body: Buffer,
): SlackRequest {
  const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
  let encoding: SlackRequest['encoding'] = 'none';
  const contentType = headers['content-type'];
  if (body.length > 0) {
    if (!contentType) throw new SlackApiError('missing_post_type');
    const [type = '', ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
    if (charset && !['utf-8', 'utf8', 'iso-8859-1'].includes(charset.replace(/"/g, ''))) {
      throw new SlackApiError('invalid_charset');
    }
    // text/plain bodies are read as a form, as Slack does (browsers send them without a preflight).
    if (type === 'application/x-www-form-urlencoded' || type === 'text/plain') {
      encoding = 'form';
      Object.assign(args, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    } else if (type === 'application/json') {
      encoding = 'json';
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new SlackApiError('invalid_json');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new SlackApiError('json_not_object');
      }
      const { token: _token, ...rest } = parsed as Record<string, unknown>;
      Object.assign(args, rest);
    } else {
      // multipart/form-data is valid on Slack but only used for file uploads: not emulated.
      throw new SlackApiError('invalid_post_type');
    }
  }
  const auth = headers['authorization'];
  const bearer = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth.trim())?.[1] : undefined;
  const formToken =
    encoding !== 'json' && typeof args['token'] === 'string' ? args['token'] : undefined;
  delete args['token'];
  return { method, args, token: bearer ?? formToken, encoding };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: SlackApiError): void {
  sendJson(
    res,
    error.status,
    {
      ok: false,
      error: error.error,
      ...(error.messages.length > 0 ? { response_metadata: { messages: error.messages } } : {}),
    },
    error.headers,
  );
}

/** A string argument (form values are strings; JSON numbers are accepted as Slack does). */
export function stringArg(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** `true`/`1` in a form, `true` in JSON. */
export function booleanArg(args: Record<string, unknown>, name: string): boolean {
  const value = args[name];
  return value === true || value === 'true' || value === '1' || value === 1;
}
