import { defaultRepositorySettings } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { repositoryComposeSettings } from './compose-settings.js';

const env = { repository: { fullName: 'acme/shop' } };

describe('repositoryComposeSettings', () => {
  it("passes the operator's base branch to the build stage", async () => {
    const settings = repositoryComposeSettings(
      {
        forRepository: async (name) => ({
          ...defaultRepositorySettings(name),
          baseBranch: 'release',
        }),
      },
      undefined,
    );
    expect(await settings(env)).toMatchObject({ baseBranch: 'release' });
  });

  it('leaves it out when unset: the repository default branch applies', async () => {
    const settings = repositoryComposeSettings(
      { forRepository: async (name) => defaultRepositorySettings(name) },
      undefined,
    );
    expect(await settings(env)).not.toHaveProperty('baseBranch');
  });
});
