// npm run bench [-- --suite=NAME]: runs one benchmark suite and prints its one JSON object on
// stdout (progress goes to stderr). Each suite lives in test/bench/<name>.ts and runs on import.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SUITES = ['lifecycle', 'webhooks', 'scale', 'gateway', 'databases', 'maintenance'] as const;

const arg = process.argv.slice(2).find((a) => a.startsWith('--suite'));
const suite = arg?.includes('=') ? arg.slice(arg.indexOf('=') + 1) : 'lifecycle';
if (!(SUITES as readonly string[]).includes(suite)) {
  console.error(`berth: unknown bench suite "${suite}": use --suite= one of ${SUITES.join(', ')}`);
  process.exit(2);
}
const file = fileURLToPath(new URL(`../test/bench/${suite}.js`, import.meta.url));
if (!existsSync(file)) {
  console.error(`berth: bench suite "${suite}" is planned but not built yet`);
  process.exit(2);
}
await import(file);
