/**
 * Query parameters that carry a credential: OAuth/OIDC codes and states on sign-in callbacks,
 * share links' `berth_token`, and anything a client sends as a token. Their values never reach
 * a request log line (its `url` and its `query`).
 */
export const SECRET_QUERY_PARAMS = [
  'code',
  'state',
  'berth_token',
  'token',
  'access_token',
  'id_token',
  'client_secret',
] as const;

const SECRET = new Set<string>(SECRET_QUERY_PARAMS);
const CENSOR = '[redacted]';

/** `/cb?code=abc&x=1` → `/cb?code=[redacted]&x=1`; anything else as it was. */
export function urlWithoutSecrets(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (SECRET.has(key.toLowerCase())) {
      params.set(key, CENSOR);
      changed = true;
    }
  }
  return changed
    ? `${url.slice(0, at)}?${params.toString().replaceAll('%5Bredacted%5D', CENSOR)}`
    : url;
}

interface SerializedRequest {
  url?: unknown;
  query?: unknown;
}

/** pino-http's `req` serializer: the standard one's output, with secret query values blanked. */
export function requestWithoutSecrets<R extends SerializedRequest>(req: R): R {
  if (typeof req.url === 'string') req.url = urlWithoutSecrets(req.url);
  if (req.query && typeof req.query === 'object') {
    const query = { ...(req.query as Record<string, unknown>) };
    for (const key of Object.keys(query)) if (SECRET.has(key.toLowerCase())) query[key] = CENSOR;
    req.query = query;
  }
  return req;
}
