import { describe, expect, it } from 'vitest';
import { notOurRerun, parseCheckRunEvent } from './check-run-event.js';
import { PayloadError } from './pull-request-event.js';

const SHA = 'c'.repeat(40);

function payload(run: Record<string, unknown> = {}, action = 'rerequested') {
  return {
    action,
    check_run: {
      id: 77,
      name: 'Berth / preview',
      head_sha: SHA,
      external_id: 'berth:12:3',
      app: { id: 424242 },
      pull_requests: [],
      ...run,
    },
    repository: {
      id: 700000001,
      full_name: 'acme/shop',
      name: 'shop',
      owner: { login: 'acme' },
      clone_url: 'http://127.0.0.1/acme/shop.git',
      default_branch: 'main',
    },
    installation: { id: 4242 },
    sender: { login: 'octocat' },
  };
}

describe('parseCheckRunEvent', () => {
  it("takes the pull request from Berth's external id (a fork's PR is not listed by GitHub)", () => {
    const event = parseCheckRunEvent(payload());
    expect(event).toMatchObject({ checkRunId: 77, prNumber: 12, headSha: SHA, appId: 424242 });
    expect(notOurRerun(event)).toBeUndefined();
  });

  it('refuses check runs that are not ours, and other actions', () => {
    expect(notOurRerun(parseCheckRunEvent(payload({ name: 'CI / test' })))).toMatch(
      /is not Berth's/,
    );
    expect(notOurRerun(parseCheckRunEvent(payload({ external_id: 'ci-9' })))).toMatch(
      /is not Berth's/,
    );
    expect(notOurRerun(parseCheckRunEvent(payload({}, 'completed')))).toMatch(/not handled/);
  });

  it('names the bad field', () => {
    expect(() => parseCheckRunEvent(payload({ head_sha: 'main' }))).toThrow(PayloadError);
    expect(() => parseCheckRunEvent(payload({ head_sha: 'main' }))).toThrow(/check_run.head_sha/);
  });
});
