import { describe, expect, it } from 'vitest';
import {
  CredentialSwitchingGitHub,
  type GitHubAppKey,
  GitHubAppNotConfiguredError,
} from './credential-switching-github.js';
import type { GitHubPort } from './github.port.js';

function driver(key: GitHubAppKey): GitHubPort {
  const fail = () => Promise.reject(new Error('not used'));
  return {
    installationToken: async (id) => `token-${key.appId}-${id}`,
    upsertStickyComment: fail,
    setCommitStatus: fail,
    createCheckRun: fail,
    updateCheckRun: fail,
    checkRuns: fail,
    pullRequest: fail,
    listOpenPullRequests: fail,
    getPullRequest: fail,
    permission: fail,
    defaultBranchHead: fail,
    addCommentReaction: fail,
  };
}

describe('CredentialSwitchingGitHub', () => {
  it('says how to configure an App when there is none', async () => {
    const github = new CredentialSwitchingGitHub(async () => undefined, driver);
    await expect(github.installationToken(1)).rejects.toThrow(GitHubAppNotConfiguredError);
    await expect(github.installationToken(1)).rejects.toThrow(/\/setup\/github/);
  });

  it('builds one driver per App and key, and switches when they change', async () => {
    let key: GitHubAppKey | undefined;
    const created: number[] = [];
    const github = new CredentialSwitchingGitHub(
      async () => key,
      (k) => {
        created.push(k.appId);
        return driver(k);
      },
    );
    key = { appId: 1, privateKey: 'a' };
    expect(await github.installationToken(5)).toBe('token-1-5');
    expect(await github.installationToken(5)).toBe('token-1-5');
    key = { appId: 2, privateKey: 'b' };
    expect(await github.installationToken(5)).toBe('token-2-5');
    expect(created).toEqual([1, 2]);
  });
});
