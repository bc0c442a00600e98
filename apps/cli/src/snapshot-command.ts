import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { AdminClient, SnapshotView } from './admin-client.js';
import type { CliIo } from './berth.js';
import { UsageError } from './repo-flags.js';

export const SNAPSHOT_USAGE = `  berth snapshot add <name> [flags]         register a database dump for db:snapshot (again:
                                            replaces what the name points at)
      --repo <owner/name|owner/*|*>         repositories that may restore it
      --engine <postgres|mysql|mariadb>
      --format <pg-custom|sql|sql.gz>       pg-custom: pg_dump -Fc
      --file <name>                         the dump's file name in the api's and worker's
                                            SNAPSHOT_DIR, or
      --s3 <s3://bucket/key>                an object the worker reads with its own AWS
                                            credentials (checked at restore)
      --sanitized | --not-sanitized         required: only sanitized dumps are ever restored
      --mask <file.sql>                     SQL run after the restore, before the app starts
  berth snapshot ls [--json]
  berth snapshot rm <name>                  previews restored from it keep their data`;

/** `berth snapshot add|ls|rm` (issue 10). */
export async function snapshotCommand(
  command: string | undefined,
  args: readonly string[],
  client: () => AdminClient,
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      repo: { type: 'string' },
      engine: { type: 'string' },
      format: { type: 'string' },
      file: { type: 'string' },
      s3: { type: 'string' },
      sanitized: { type: 'boolean' },
      'not-sanitized': { type: 'boolean' },
      mask: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  switch (command) {
    case 'add': {
      const [name, ...extra] = positionals;
      if (!name || extra.length) throw new UsageError('give one snapshot name');
      for (const flag of ['repo', 'engine', 'format'] as const) {
        if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
      }
      if ((values.file === undefined) === (values.s3 === undefined)) {
        throw new UsageError(
          'give exactly one of --file <name in SNAPSHOT_DIR> and --s3 <s3://bucket/key>',
        );
      }
      if (values.sanitized === values['not-sanitized']) {
        throw new UsageError(
          'say --sanitized (the dump holds no real personal data) or --not-sanitized',
        );
      }
      let maskSql: string | undefined;
      if (values.mask !== undefined) {
        maskSql = await readFile(values.mask, 'utf8').catch((error: Error) => {
          throw new UsageError(`--mask: cannot read ${values.mask} (${error.message})`);
        });
      }
      const saved = await client().registerSnapshot(name, {
        repository: values.repo as string,
        engine: values.engine as string,
        format: values.format as string,
        ...(values.file !== undefined ? { file: values.file } : {}),
        ...(values.s3 !== undefined ? { s3: values.s3 } : {}),
        sanitized: values.sanitized === true,
        ...(maskSql !== undefined ? { maskSql } : {}),
      });
      io.out(line(saved));
      return 0;
    }
    case 'ls': {
      const { snapshots } = await client().snapshots();
      if (values.json) io.out(JSON.stringify(snapshots, null, 2));
      else if (!snapshots.length) io.out('no snapshots registered');
      else for (const snapshot of snapshots) io.out(line(snapshot));
      return 0;
    }
    case 'rm': {
      const [name, ...extra] = positionals;
      if (!name || extra.length) throw new UsageError('give one snapshot name');
      await client().removeSnapshot(name);
      io.out(`${name}: removed`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command \`snapshot ${command ?? ''}\`\n\n${SNAPSHOT_USAGE}`);
  }
}

function line(s: SnapshotView): string {
  const size =
    s.s3 !== undefined
      ? 'object'
      : s.bytes === null
        ? 'file missing'
        : `${(s.bytes / 1_048_576).toFixed(1)} MB`;
  const state = s.sanitized ? 'sanitized' : 'NOT sanitized (refused)';
  const mask = s.maskSql ? ', masked' : '';
  return `${s.name.padEnd(24)} ${s.repository.padEnd(20)} ${s.engine}/${s.format} ${s.file ?? s.s3 ?? ''} (${size}) ${state}${mask}  registered ${s.registeredAt}`;
}
