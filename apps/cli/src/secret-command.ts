import { parseArgs } from 'node:util';
import { isGitHubLogin } from '@berth/core';
import type { AdminClient, SecretTarget } from './admin-client.js';
import type { CliIo } from './berth.js';
import { UsageError } from './repo-flags.js';
import type { RestClient, SecretEntry } from './rest-client.js';

// `berth secret set|rm|ls` of a repository or a PR go through the REST API v1
// (`/api/v1/repositories/:owner/:name/secrets[/:scope/:key]`, decision 0031). Two stay on
// /admin/v1, which v1 has no route for: `--owner <login>` (v1 names the installation scope only
// through one of its repositories) and `rotate-key` (an operation of the api's key, not of a
// repository).

/** The clients: v1 for repositories and PRs, /admin/v1 for `--owner` and `rotate-key`. */
export interface SecretClients {
  rest: () => RestClient;
  admin: () => AdminClient;
}

/** A layer as `berth secret` has always named it (`pull_request`), from v1's scope (`pr-7`). */
type Layer = 'installation' | 'repository' | 'pull_request';

/** `berth secret ls --json`: as before the move to v1, `layer` where v1 says `scope`. */
export type SecretLine = Omit<SecretEntry, 'scope'> & { layer: Layer };

export const SECRET_USAGE = `  berth secret set <owner/name>[#<pr>] <name>
                                            set a secret of a repository (or one PR); the value
                                            is read from standard input, sealed, never shown again
      --reference <id>                      instead: a Secrets Manager secret name or ARN
                                            (optionally #jsonKey), read at wire time after the
                                            production rules (SECRET_BACKEND=aws)
      --owner <login>                       instead of a repository: the installation's default
  berth secret rm <owner/name>[#<pr>] <name> | --owner <login> <name>
  berth secret ls <owner/name>[#<pr>] [--json]
                                            names and layers a preview of it would read
  berth secret rotate-key                   re-seal every secret under the api's current
                                            BERTH_MASTER_KEY (docs/operations/master-key.md)
  Previews read a secret only when their compose file lists it in x-berth.secrets; a later
  layer wins: installation, then repository, then pull request.`;

/** `berth secret set|rm|ls|rotate-key` (decision 0016). */
export async function secretCommand(
  command: string | undefined,
  args: readonly string[],
  clients: SecretClients,
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      reference: { type: 'string' },
      owner: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  switch (command) {
    case 'set': {
      const { target, name } = targetAndName(positionals, values.owner);
      const body =
        values.reference !== undefined
          ? { reference: values.reference.trim() }
          : { value: await valueFromStdin(io) };
      const layer =
        'owner' in target
          ? (await clients.admin().setSecret(target, name, body)).layer
          : layerOf(
              (await clients.rest().setSecret(target.repository, scopeOf(target), name, body))
                .scope,
            );
      io.out(`${name}: set in the ${layer.replace('_', ' ')} layer of ${describeTarget(target)}`);
      return 0;
    }
    case 'rm': {
      if (values.reference !== undefined)
        throw new UsageError('--reference is a flag of `berth secret set`');
      const { target, name } = targetAndName(positionals, values.owner);
      if ('owner' in target) await clients.admin().removeSecret(target, name);
      else await clients.rest().removeSecret(target.repository, scopeOf(target), name);
      io.out(`${name}: removed from ${describeTarget(target)}`);
      return 0;
    }
    case 'ls': {
      if (values.owner !== undefined || values.reference !== undefined) {
        throw new UsageError('`berth secret ls` takes one <owner/name>[#<pr>]');
      }
      const [spec, ...extra] = positionals;
      if (!spec || extra.length) throw new UsageError('give one repository: <owner/name>[#<pr>]');
      const target = repositoryTarget(spec);
      const secrets = readBy(await clients.rest().secrets(target.repository), target.pr);
      if (values.json) io.out(JSON.stringify(secrets, null, 2));
      else if (!secrets.length) io.out(`${spec}: no secrets in any layer`);
      else for (const entry of secrets) io.out(line(entry));
      return 0;
    }
    case 'rotate-key': {
      const report = await clients.admin().rotateMasterKey();
      if (values.json) {
        io.out(JSON.stringify(report, null, 2));
        return 0;
      }
      io.out(`re-sealed ${report.rewrapped}, already current ${report.current}`);
      if (report.unreadable.length) {
        io.out(
          `${report.unreadable.length} secret(s) open under no key the api has (BERTH_MASTER_KEY, BERTH_MASTER_KEY_PREVIOUS): ${report.unreadable.join(', ')}`,
        );
        return 1;
      }
      io.out('every secret is under the current key: BERTH_MASTER_KEY_PREVIOUS can be removed');
      return 0;
    }
    default:
      throw new UsageError(`unknown command \`secret ${command ?? ''}\`\n\n${SECRET_USAGE}`);
  }
}

function targetAndName(
  positionals: string[],
  owner: string | undefined,
): { target: SecretTarget; name: string } {
  if (owner !== undefined) {
    const [name, ...extra] = positionals;
    if (!name || extra.length) throw new UsageError('with --owner, give only the secret name');
    if (!isGitHubLogin(owner)) {
      throw new UsageError(
        `--owner must be a GitHub login such as acme, got ${JSON.stringify(owner)}`,
      );
    }
    return { target: { owner }, name };
  }
  const [spec, name, ...extra] = positionals;
  if (!spec || !name || extra.length) {
    throw new UsageError('give <owner/name>[#<pr>] and the secret name (e.g. acme/shop api_key)');
  }
  return { target: repositoryTarget(spec), name };
}

function repositoryTarget(spec: string): { repository: string; pr?: number } {
  const match = /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)(?:#([1-9]\d{0,9}))?$/.exec(spec);
  if (!match) {
    throw new UsageError(
      `give the repository as owner/name, or owner/name#pr for one pull request (e.g. acme/shop#12), got ${JSON.stringify(spec)}`,
    );
  }
  return { repository: match[1] as string, ...(match[2] ? { pr: Number(match[2]) } : {}) };
}

async function valueFromStdin(io: CliIo): Promise<string> {
  if (!io.stdin) throw new UsageError('pipe the value on standard input, or give --reference');
  // One trailing newline is the terminal's, not the secret's.
  const value = (await io.stdin()).replace(/\r?\n$/, '');
  if (value === '') {
    throw new UsageError(
      'no value on standard input: e.g. `printf %s "$API_KEY" | berth secret set acme/shop api_key`',
    );
  }
  return value;
}

function describeTarget(target: SecretTarget): string {
  if ('owner' in target) return `${target.owner}'s installation`;
  return target.pr === undefined ? target.repository : `${target.repository}#${target.pr}`;
}

/** v1's path scope of a repository or one PR: `repository`, `pr-12`. */
function scopeOf(target: { repository: string; pr?: number }): string {
  return target.pr === undefined ? 'repository' : `pr-${target.pr}`;
}

function layerOf(scope: string): Layer {
  return scope === 'installation' || scope === 'repository' ? scope : 'pull_request';
}

/**
 * What a preview of the repository (or of PR `pr`) reads, by name: v1 lists every scope that
 * reaches the repository, each PR's too, so the other PRs' layers are left out here.
 */
export function readBy(entries: readonly SecretEntry[], pr: number | undefined): SecretLine[] {
  return entries
    .filter(
      (e) =>
        e.scope === 'installation' ||
        e.scope === 'repository' ||
        (pr !== undefined && e.scope === `pr-${pr}`),
    )
    .map(({ scope, ...rest }) => ({ layer: layerOf(scope), ...rest }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function line(entry: SecretLine): string {
  const source = entry.kind === 'reference' ? `→ ${entry.reference ?? ''}` : '(value)';
  return `${entry.name.padEnd(24)} ${entry.layer.padEnd(13)} ${source}  updated ${entry.updatedAt}`;
}
