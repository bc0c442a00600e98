// Exit 0 when node_modules already holds exactly what package-lock.json describes.
//
// npm records the installed tree in node_modules/.package-lock.json. Comparing it with the
// lockfile lets bootstrap skip `npm ci` (which deletes node_modules — disruptive while tests or
// editors use it) when only the stamp is missing, e.g. on a machine installed by hand.
// Optional packages may be absent (other platforms' binaries), never of a different version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? '.';
const read = (file) => JSON.parse(readFileSync(join(root, file), 'utf8')).packages ?? {};

let wanted;
let installed;
try {
  wanted = read('package-lock.json');
  installed = read('node_modules/.package-lock.json');
} catch (error) {
  console.error(`not comparable: ${error.message}`);
  process.exit(1);
}

const problems = [];
for (const [path, entry] of Object.entries(wanted)) {
  if (path === '') continue;
  const have = installed[path];
  if (!have) {
    if (!entry.optional && !entry.devOptional) problems.push(`missing ${path}`);
  } else if (have.version !== entry.version) {
    problems.push(`${path}: installed ${have.version}, lockfile wants ${entry.version}`);
  }
}
for (const path of Object.keys(installed)) {
  if (!(path in wanted)) problems.push(`extraneous ${path}`);
}

if (problems.length > 0) {
  console.error(problems.slice(0, 5).join('\n'));
  process.exit(1);
}
