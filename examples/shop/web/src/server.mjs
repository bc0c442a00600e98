// Serves the shop's page and its browser script. No proxy to the api: the browser talks to
// the api directly at API_PUBLIC_URL, like it would in production.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { readConfig } from './config.mjs';
import { browserConfigJson, renderPage } from './page.mjs';

function log(msg, extra = {}) {
  console.log(JSON.stringify({ service: 'web', msg, ...extra }));
}

const config = readConfig(process.env);
const page = renderPage(config);
const appJs = await readFile(new URL('./public/app.js', import.meta.url), 'utf8');

const routes = {
  '/': { type: 'text/html; charset=utf-8', body: page },
  '/app.js': { type: 'text/javascript; charset=utf-8', body: appJs },
  '/config.json': { type: 'application/json; charset=utf-8', body: browserConfigJson(config) },
  '/healthz': { type: 'application/json; charset=utf-8', body: '{"ok":true}' },
};

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', 'http://web.invalid');
  const route = routes[pathname];
  if (!route || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    return res.end('not found\n');
  }
  res.writeHead(200, {
    'Content-Type': route.type,
    'Content-Length': Buffer.byteLength(route.body),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : route.body);
});

server.listen(config.port, () => {
  log('listening', { port: config.port, apiPublicUrl: config.apiPublicUrl });
});

// Node as PID 1 ignores SIGTERM unless handled: without this, `docker stop` waits 10 s.
function shutdown(signal) {
  log('shutting down', { signal });
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
