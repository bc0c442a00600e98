import { parseArgs } from 'node:util';
import { UsageError } from './repo-flags.js';
import type { ApiTokenView, NewToken, RestClient } from './rest-client.js';

export const TOKEN_USAGE = `  berth token create <name> --scope <read|write|admin> [--repo <owner/name|owner/*>]
                    [--expires <days>] [--json]
                                            a REST API token, printed once (only its hash is
                                            stored); --repo limits it to one repository or owner
  berth token ls [--json]                   every token: scope, repository, expiry, last use
  berth token revoke <id> [--json]          stop a token at once`;

const SCOPES = ['read', 'write', 'admin'] as const;

/** `berth token create|ls|revoke` (decision 0029), through /api/v1/tokens. */
export async function tokenCommand(
  command: string | undefined,
  args: readonly string[],
  client: () => RestClient,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      scope: { type: 'string' },
      repo: { type: 'string' },
      expires: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (command !== 'create' && (values.scope ?? values.repo ?? values.expires) !== undefined) {
    throw new UsageError('--scope, --repo and --expires are flags of `berth token create`');
  }
  switch (command) {
    case 'create': {
      const [name, ...extra] = positionals;
      if (!name || extra.length) throw new UsageError('give the token one name, e.g. `ci`');
      const scope = values.scope;
      if (!scope || !(SCOPES as readonly string[]).includes(scope)) {
        throw new UsageError(`--scope must be one of ${SCOPES.join(', ')}`);
      }
      const request: NewToken = { name, scope: scope as NewToken['scope'] };
      if (values.repo !== undefined) request.repository = values.repo;
      if (values.expires !== undefined) {
        if (!/^[1-9]\d{0,3}$/.test(values.expires)) {
          throw new UsageError('--expires is a number of days, e.g. 90');
        }
        request.expiresInDays = Number(values.expires);
      }
      const created = await client().createToken(request);
      if (values.json) {
        out(JSON.stringify(created, null, 2));
        return 0;
      }
      out(
        `token ${created.id} (${created.name}, ${created.scope}${created.repository ? `, ${created.repository}` : ''}):`,
      );
      out(`  ${created.token}`);
      out('shown once: store it now (Berth keeps only its hash).');
      out(`revoke with: berth token revoke ${created.id}`);
      return 0;
    }
    case 'ls':
    case 'list': {
      if (positionals.length) throw new UsageError('`berth token ls` takes no arguments');
      const tokens = await client().tokens();
      if (values.json) out(JSON.stringify(tokens, null, 2));
      else if (!tokens.length) out('no tokens yet: create one with `berth token create`');
      else for (const row of table(tokens)) out(row);
      return 0;
    }
    case 'revoke': {
      const [id, ...extra] = positionals;
      if (!id || extra.length) throw new UsageError('give one token id (see `berth token ls`)');
      const revoked = await client().revokeToken(id);
      out(
        values.json
          ? JSON.stringify(revoked, null, 2)
          : `revoked ${revoked.id} (${revoked.name}) at ${revoked.revokedAt}`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command \`token ${command ?? ''}\`\n\n${TOKEN_USAGE}`);
  }
}

/** The human table: one row per token, columns padded to their widest value. */
export function table(tokens: readonly ApiTokenView[]): string[] {
  const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
  const rows = [
    ['ID', 'NAME', 'PREFIX', 'SCOPE', 'REPOSITORY', 'STATUS', 'EXPIRES', 'LAST USED'],
    ...tokens.map((t) => [
      t.id,
      t.name,
      `${t.prefix}…`,
      t.scope,
      t.repository ?? '*',
      t.status,
      day(t.expiresAt),
      day(t.lastUsedAt),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}
