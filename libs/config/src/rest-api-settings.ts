import { positiveInt } from './fields.js';

// The REST API's limits (decision 0029). Counted per token in Redis, so every api replica
// enforces one budget.

export const restApiSettings = {
  API_RATE_LIMIT_PER_MINUTE: positiveInt(
    600,
    'requests per minute each REST API token may make (all api replicas together); default 600',
  ),
  SSE_HEARTBEAT_S: positiveInt(
    15,
    'seconds between the comment lines that keep an idle /api/v1 event stream open through proxies; default 15',
  ),
};
