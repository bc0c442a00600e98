import { parseArgs } from 'node:util';
import type { AdminClient } from './admin-client.js';
import { UsageError } from './repo-flags.js';

export const SESSIONS_USAGE = `  berth sessions list (--user <login> | --env <owner/name#pr>) [--json]
                                            live SSO sessions of a person or a preview
  berth sessions revoke (--user <login> | --env <owner/name#pr>)
                                            sign them out: gateways refuse the sessions
                                            within seconds (a person must sign in again)`;

/** An SSO session as /admin/v1/sessions lists it. */
export interface SsoSessionView {
  id: string;
  environmentId: string | null;
  provider: string;
  login: string;
  createdAt: string;
  expiresAt: string;
}

/** `berth sessions list|revoke`: exactly one of --user and --env. */
export async function sessionsCommand(
  command: string | undefined,
  args: string[],
  client: () => AdminClient,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      env: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length) throw new UsageError(`unexpected ${JSON.stringify(positionals[0])}`);
  const user = values.user?.trim();
  const env = values.env?.trim();
  if ((user ? 1 : 0) + (env ? 1 : 0) !== 1) {
    throw new UsageError(
      `give exactly one of --user <login> or --env <owner/name#pr>\n\n${SESSIONS_USAGE}`,
    );
  }
  if (env !== undefined && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+#\d+$/.test(env)) {
    throw new UsageError(
      `--env must be owner/name#pr (e.g. acme/shop#12), got ${JSON.stringify(env)}`,
    );
  }
  const filter = user ? { user } : { env: env ?? '' };
  switch (command) {
    case 'list': {
      const { sessions } = await client().sessions(filter);
      if (values.json) out(JSON.stringify(sessions, null, 2));
      else if (!sessions.length) out('no live sessions');
      else
        for (const s of sessions) {
          const where = s.environmentId ? `preview ${s.environmentId}` : 'sign-in host';
          out(`${s.id}  ${s.login} (${s.provider})  ${where}  until ${s.expiresAt}`);
        }
      return 0;
    }
    case 'revoke': {
      if (values.json) throw new UsageError('--json is a flag of `berth sessions list`');
      const { revoked } = await client().revokeSessions(filter);
      out(`${revoked} session${revoked === 1 ? '' : 's'} revoked`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command \`sessions ${command ?? ''}\`\n\n${SESSIONS_USAGE}`);
  }
}
