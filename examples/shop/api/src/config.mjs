// The api's whole configuration, read once from the environment. A bad value fails startup
// with the variable's name and what it should look like.
function required(env, name, hint) {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

function originOf(env, name) {
  const raw = required(env, name, 'give the public URL of the web app, e.g. http://localhost:3000');
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name}=${raw} is not a URL: give e.g. http://localhost:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name}=${raw} must be an http:// or https:// URL`);
  }
  return url.origin;
}

export function readConfig(env) {
  const port = Number(env.PORT ?? 3001);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`PORT=${env.PORT} must be a TCP port number (1-65535)`);
  }
  return {
    port,
    databaseUrl: required(env, 'DATABASE_URL', 'give postgres://user:password@host:5432/db'),
    redisUrl: required(env, 'REDIS_URL', 'give redis://host:6379'),
    webOrigin: originOf(env, 'WEB_PUBLIC_URL'),
    queueName: env.SHOP_QUEUE_NAME || 'orders',
    queuePrefix: env.SHOP_QUEUE_PREFIX || 'shop',
  };
}
