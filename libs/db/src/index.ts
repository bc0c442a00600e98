export * from './generated.js';
export {
  DatabaseUrlError,
  describeConnection,
  parseDatabaseUrl,
  type PgConnectionOptions,
} from './connection-options.js';
export {
  connectionOf,
  createPrismaClient,
  type CreatePrismaClientOptions,
} from './prisma-client.js';
export { checkDatabase, DatabaseUnavailableError } from './check-database.js';
export {
  migrateDeploy,
  MigrationError,
  type MigrateDeployOptions,
  type MigrateDeployResult,
} from './migrate.js';
export { PrismaService } from './prisma.service.js';
