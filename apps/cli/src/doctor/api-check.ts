import { ApiUnreachableError, RestApiError } from '../exit-codes.js';
import type { RestClient } from '../rest-client.js';
import { type CheckResult, fail, ok, reason } from './check.js';

/** The api answers at BERTH_API_URL, takes the token, and with which scope. */
export async function checkApi(
  apiUrl: string,
  client: RestClient | undefined,
): Promise<CheckResult> {
  if (!client) {
    return fail(
      'api',
      `no token to call the api at ${apiUrl} with`,
      'export BERTH_TOKEN (a token from `berth token create`) or BERTH_ADMIN_TOKEN',
    );
  }
  try {
    await client.firstEnvironments();
  } catch (error) {
    if (error instanceof ApiUnreachableError) {
      return fail(
        'api',
        `nothing answers at ${apiUrl} (${reason(error)})`,
        'start the api (`node dist/apps/api/src/main.js`) or point BERTH_API_URL at it',
      );
    }
    if (error instanceof RestApiError && error.status === 401) {
      return fail(
        'api',
        `the api at ${apiUrl} refused the token: ${error.message}`,
        'create a new token with `berth token create` (an admin runs it) and export BERTH_TOKEN',
      );
    }
    return fail('api', `the api at ${apiUrl} failed: ${reason(error)}`, 'see the api logs');
  }
  try {
    await client.firstTokens();
    return ok('api', `${apiUrl} answers; token valid, scope admin`);
  } catch (error) {
    if (error instanceof RestApiError && error.status === 403) {
      const scope = /has `(\w+)`/.exec(error.message)?.[1];
      return ok('api', `${apiUrl} answers; token valid, scope ${scope ?? 'below admin'}`);
    }
    return fail('api', `the api at ${apiUrl} failed: ${reason(error)}`, 'see the api logs');
  }
}
