// Pure CORS decisions. The browser loads the page from the web's public origin and calls this
// API at its own public origin, so exactly that one origin is allowed (never `*`). Credentials
// are allowed for it: behind a private preview gateway the browser must send its access cookie.
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'content-type';

export function corsHeaders(requestOrigin, allowedOrigin) {
  if (requestOrigin !== allowedOrigin) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': allowedOrigin,
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
}

export function preflightHeaders(requestOrigin, allowedOrigin) {
  if (requestOrigin !== allowedOrigin) return null;
  return {
    ...corsHeaders(requestOrigin, allowedOrigin),
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': '600',
  };
}
