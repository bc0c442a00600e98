import { z } from 'zod';
import { flag, httpUrl } from './fields.js';

// What the worker tells pull requests besides the sticky comment: the `Berth / preview` check
// run and the older `berth/preview` commit status (kept for branch protection rules that name
// it), and where the check run links to.

export const githubReportingSettings = {
  GITHUB_CHECK_RUNS: flag(
    true,
    'report each head as the `Berth / preview` check run (the App needs checks: write); default true',
  ),
  GITHUB_COMMIT_STATUS: flag(
    true,
    'also set the `berth/preview` commit status, for branch protection rules that require it; ' +
      'default true',
  ),
  CHECK_RUN_EDIT_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds' })
    .min(0, 'must be 0 or more')
    .max(300, 'must be at most 300 (the last state waits this long at most)')
    .default(2)
    .describe(
      'least time between two edits of one check run; edits in between wait, and the last ' +
        'state always lands; default 2',
    ),
  CONSOLE_URL: httpUrl('e.g. https://berth.example.com')
    .optional()
    .describe(
      "the Berth console's base URL: check runs link to {CONSOLE_URL}/environments/{id}; unset = no link",
    ),
};
