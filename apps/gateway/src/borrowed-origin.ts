import type { IncomingHttpHeaders } from 'node:http';

/**
 * A frontend-only preview's borrowed route (issue 10 §7): the browser on the PR's own frontend
 * calls the base environment's backend under a PR hostname. The backend's CORS allows its own
 * frontend's origin, so the request's `Origin` becomes the base's and the answer's
 * `Access-Control-Allow-Origin` goes back to the PR's: the app itself is left as it is.
 * Returns the response-header rewrite, or null when the request's origin is not the PR's.
 */
export function mapBorrowedOrigin(
  headers: IncomingHttpHeaders,
  originMap: Readonly<Record<string, string>> | null | undefined,
): ((answer: IncomingHttpHeaders) => void) | null {
  const origin = headers.origin;
  if (!originMap || typeof origin !== 'string') return null;
  const theirs = originMap[origin];
  if (theirs === undefined) return null;
  headers.origin = theirs;
  return (answer) => {
    if (answer['access-control-allow-origin'] === theirs) {
      answer['access-control-allow-origin'] = origin;
    }
  };
}
