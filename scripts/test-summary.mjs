// Prints the suite's closing line in the plain "N passed, N failed" form CI reads, and names
// every failing test so CI's log says which one broke. Exits 1 when any test failed or a run ran
// none.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

// One or more JSON reports (one per vitest run); the closing line counts them all.
const files = process.argv.slice(2);
const total = { passed: 0, failed: 0, skipped: 0, all: 0, success: true };
const failed = [];
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`berth: no test report at ${file}: ${error.message}`);
    process.exit(1);
  }
  for (const suite of report.testResults ?? []) {
    const where = relative(process.cwd(), suite.name ?? '');
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failedTests) failed.push(`${where} › ${test.fullName ?? test.title}`);
    // A file that failed to load has no assertion results but a message.
    if (suite.status === 'failed' && failedTests.length === 0) {
      failed.push(`${where} (file failed: ${(suite.message ?? '').split('\n')[0]})`);
    }
  }
  total.passed += report.numPassedTests;
  total.failed += report.numFailedTests;
  total.skipped += report.numPendingTests + report.numTodoTests;
  total.all += report.numTotalTests;
  if (report.numTotalTests === 0) {
    console.error(`berth: the test run for ${file} executed no test`);
    process.exit(1);
  }
  if (report.success === false) total.success = false;
}
if (files.length === 0) {
  console.error('berth: test-summary needs at least one report file');
  process.exit(1);
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
for (const name of failed) console.error(`berth: FAILED ${name}`);
if (failed.length > 0 || total.failed > 0 || !total.success) process.exit(1);
