import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The admin console (decision 0033) is static files built by Vite (`apps/console`, built into
// dist/apps/console by `npm run build`); the api serves them under /console with an SPA
// fallback, so the console has no server of its own and no state beyond the session cookie.

export const CONSOLE_PATH = '/console';

/**
 * The page may load only its own scripts and styles and call only this origin: no inline
 * script or style, no frames, no plugins.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** dist/apps/console from the source tree (tests, tsx) and from the built api (dist/apps/api). */
export function consoleDirectory(): string | undefined {
  const up = (levels: number) => fileURLToPath(new URL('../'.repeat(levels), import.meta.url));
  const candidates = [
    process.env['BERTH_CONSOLE_DIR'],
    join(up(4), 'dist', 'apps', 'console'),
    join(up(4), 'apps', 'console'),
  ].filter((dir): dir is string => dir !== undefined && dir !== '');
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

interface Next {
  (error?: unknown): void;
}

/**
 * Express-style middleware for GET/HEAD under /console. Hashed assets are cached for a year
 * (their name changes with their content); index.html is revalidated every time, so a new
 * build is picked up at once. Any other path is the SPA's own route: index.html.
 */
export function consoleMiddleware(directory: string | undefined) {
  return (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    const inside = url.pathname === CONSOLE_PATH || url.pathname.startsWith(`${CONSOLE_PATH}/`);
    if (!inside || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
    if (url.pathname === CONSOLE_PATH) {
      response.writeHead(308, { Location: `${CONSOLE_PATH}/${url.search}` });
      response.end();
      return;
    }
    void serve(directory, url.pathname.slice(CONSOLE_PATH.length + 1), request, response).catch(
      next,
    );
  };
}

async function serve(
  directory: string | undefined,
  relative: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const common = {
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (!directory) {
    response.writeHead(503, { ...common, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('the console is not built: run `npm run build`\n');
    return;
  }
  const file = await assetPath(directory, relative);
  const isAsset = file !== undefined;
  const path = file ?? join(directory, 'index.html');
  // A missing /console/assets/… file is a 404, not the page: a stale tab asking for an old
  // bundle must not get HTML served as JavaScript.
  if (!isAsset && relative.startsWith('assets/')) {
    response.writeHead(404, { ...common, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('not found\n');
    return;
  }
  const body = await readFile(path);
  response.writeHead(200, {
    ...common,
    'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
    'Content-Length': String(body.length),
    'Cache-Control':
      isAsset && relative.startsWith('assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** The file under `directory` a path names, never outside it; undefined when there is none. */
async function assetPath(directory: string, relative: string): Promise<string | undefined> {
  if (relative === '' || relative.endsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  const path = normalize(join(directory, decoded));
  if (!path.startsWith(directory.endsWith(sep) ? directory : directory + sep)) return undefined;
  return existsSync(path) && extname(path) !== '' ? path : undefined;
}
