// The web's configuration. API_PUBLIC_URL is the address the *browser* uses to reach the
// api, so it differs per environment (localhost, a per-PR preview host, production).
export function readConfig(env) {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`PORT=${env.PORT} must be a TCP port number (1-65535)`);
  }
  const raw = env.API_PUBLIC_URL;
  if (!raw) {
    throw new Error('API_PUBLIC_URL is not set: give the URL browsers use to reach the api');
  }
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`API_PUBLIC_URL=${raw} is not a URL: give e.g. http://localhost:3001`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`API_PUBLIC_URL=${raw} must be an http:// or https:// URL`);
  }
  return { port, apiPublicUrl: url.href.replace(/\/$/, '') };
}
