// Pure: which migration files still need to run. Files are applied in name order, so names
// start with a zero-padded number (001_create_orders.sql).
const MIGRATION_NAME = /^\d{3,}_[a-z0-9_]+\.sql$/;

export function planMigrations(fileNames, appliedVersions) {
  const bad = fileNames.filter((name) => name.endsWith('.sql') && !MIGRATION_NAME.test(name));
  if (bad.length > 0) {
    throw new Error(
      `migration file names must look like 001_verb_object.sql; rename: ${bad.join(', ')}`,
    );
  }
  const applied = new Set(appliedVersions);
  return fileNames
    .filter((name) => MIGRATION_NAME.test(name))
    .sort()
    .map((name) => name.replace(/\.sql$/, ''))
    .filter((version) => !applied.has(version));
}
