// Prints the suite's closing line in the plain "N passed, N failed" form CI reads, and names
// every failing test so CI's log says which one broke. Exits 1 when any test failed or none ran.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`berth: no test report at ${file}: ${error.message}`);
  process.exit(1);
}
const failed = [];
for (const suite of report.testResults ?? []) {
  const where = relative(process.cwd(), suite.name ?? '');
  const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
  for (const test of failedTests) failed.push(`${where} › ${test.fullName ?? test.title}`);
  // A file that failed to load has no assertion results but a message.
  if (suite.status === 'failed' && failedTests.length === 0) {
    failed.push(`${where} (file failed: ${(suite.message ?? '').split('\n')[0]})`);
  }
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
);
for (const name of failed) console.error(`berth: FAILED ${name}`);
if (report.numTotalTests === 0) {
  console.error('berth: the test run executed no test');
  process.exit(1);
}
if (failed.length > 0 || report.numFailedTests > 0 || report.success === false) process.exit(1);
