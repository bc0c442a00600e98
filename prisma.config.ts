// Prisma CLI configuration. Migrations run on the JavaScript schema engine (WASM) through
// @prisma/adapter-pg, so no native engine is downloaded (binaries.prisma.sh is unreachable
// from CI). Why, and the adapter patch this relies on: docs/decisions/0001-prisma-6-offline.md.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';
import { parseDatabaseUrl } from './libs/db/src/connection-options.js';

const databaseUrl = process.env.DATABASE_URL;

// schema.prisma's `url = env("DATABASE_URL")` must resolve for the schema to validate; when it
// does not, the CLI cannot read `engineType = "client"` and tries to download a native query
// engine. `prisma generate` (postinstall) needs no database, so give it a placeholder; it is
// never connected to: only the adapter below connects, and it insists on the real variable.
process.env.DATABASE_URL ??= 'postgresql://unset@127.0.0.1:5432/unset';

// The CLI otherwise phones checkpoint.prisma.io (update check/telemetry) on every run.
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => {
    if (!databaseUrl) {
      throw new Error(
        'DATABASE_URL is not set; export it, e.g. DATABASE_URL=postgresql://berth:berth@127.0.0.1:5432/berth',
      );
    }
    const { schema, ...connection } = parseDatabaseUrl(databaseUrl);
    return new PrismaPg(connection, schema ? { schema } : undefined);
  },
});
