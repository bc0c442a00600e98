/** The Postgres and Redis the test run uses; scripts/test.sh exports them after bootstrap. */
export function testServices() {
  return {
    databaseUrl:
      process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test',
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  };
}
