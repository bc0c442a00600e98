import { parseArgs } from 'node:util';
import type { Command } from 'commander';
import type { RepositorySettingsView } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { json, table } from '../format.js';
import { repoSetPatch, type RepoSetValues, UsageError } from '../repo-flags.js';
import type { RepositorySettings } from '../rest-client.js';

// `berth repo ls` and `berth repo settings` on the REST API v1 (decision 0032). `settings` with
// flags changes them: the same flags as `berth repo set`, parsed by the same code
// (repo-flags.ts), sent as PATCH /api/v1/repositories/:owner/:name/settings.

export function registerRepoCommands(
  repo: Command,
  ctx: CliContext,
  exit: (code: number) => void,
  options: {
    /** `berth repo set`'s flags (berth.ts), so both commands take exactly the same ones. */
    setOptions: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
    describe: (view: RepositorySettingsView) => string;
  },
) {
  repo
    .command('ls')
    .summary('repositories with stored settings')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await ctx.rest().repositories();
      if (opts.json) ctx.io.out(json(rows));
      else if (!rows.length) ctx.io.out('no repository has stored settings');
      else for (const line of repositoryTable(rows)) ctx.io.out(line);
      exit(EXIT.ok);
    });

  repo
    .command('settings')
    .summary("a repository's settings; with `berth repo set` flags, change them")
    .usage('<owner/name> [--json] [repo set flags, e.g. --ttl 3d --disable]')
    .argument('[args...]')
    .allowUnknownOption()
    .action(async (args: string[]) => {
      const { values, positionals } = parseArgs({
        args,
        options: options.setOptions,
        allowPositionals: true,
        strict: true,
      });
      const [name, ...extra] = positionals;
      if (!name || extra.length || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(name)) {
        throw new UsageError('give one repository as owner/name (e.g. acme/shop)');
      }
      const flags = values as RepoSetValues & { json?: boolean };
      const changes = Object.keys(values).some((k) => k !== 'json');
      const client = ctx.rest();
      let view: RepositorySettings;
      if (!changes) {
        view = await client.repositorySettings(name);
      } else {
        // Lists (--allow-variable, --ip-allow, --sso-allow-*) add to what is stored: read first.
        const current = await client.repositorySettings(name);
        const patch = repoSetPatch(
          flags,
          current.allowedVariables,
          current.ipAllowlist,
          current as RepositorySettingsView,
        );
        view = await client.updateRepositorySettings(name, patch as Record<string, unknown>);
      }
      // The v1 schema is the admin view plus open fields (SSO, Slack): the same object.
      ctx.io.out(flags.json ? json(view) : options.describe(view as RepositorySettingsView));
      exit(EXIT.ok);
    });
}

export function repositoryTable(rows: readonly RepositorySettings[]): string[] {
  return table(
    ['REPOSITORY', 'ENABLED', 'ACCESS', 'TTL', 'DB MODE'],
    rows.map((r) => [
      r.fullName,
      String(r.enabled),
      r.accessModes.length ? `${r.accessMode} (${r.accessModes.join(',')})` : r.accessMode,
      r.defaultTtlHours === undefined ? 'default' : `${r.defaultTtlHours}h`,
      r.defaultDbMode ?? 'default',
    ]),
  );
}
