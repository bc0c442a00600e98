/** Variables whose values are secret: never logged, never returned by the API. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'GITHUB_WEBHOOK_SECRET',
  'API_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
  'PREVIEW_LINK_SECRET',
  'BERTH_MASTER_KEY',
  'BERTH_MASTER_KEY_PREVIOUS',
  'BERTH_ADMIN_TOKEN',
  'GITHUB_APP_CLIENT_SECRET',
  'OIDC_CLIENT_SECRET',
  'SLACK_BOT_TOKEN',
]);

/** A copy safe to log: secret values replaced, URLs keep only scheme, host and port. */
export function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!SECRET_KEYS.has(key)) out[key] = value;
    else if (typeof value === 'string' && /^[a-z]+:\/\//.test(value)) out[key] = redactUrl(value);
    else out[key] = '[redacted]';
  }
  return out;
}

function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`;
  } catch {
    return '[redacted]';
  }
}
