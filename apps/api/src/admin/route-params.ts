import { isGitHubLogin, isRepositoryFullName } from '@berth/core';
import { BadRequestException } from '@nestjs/common';

// The admin routes' `:owner/:name` and `:pr` parameters, checked once for every controller, with
// the same message naming the form each one needs.

export function repositoryParam(owner: string, name: string): string {
  const repository = `${owner}/${name}`;
  if (!isRepositoryFullName(repository)) {
    throw new BadRequestException(
      `repository must be owner/name as GitHub spells it (e.g. acme/shop), got ${JSON.stringify(repository)}`,
    );
  }
  return repository;
}

export function pullRequestParam(pr: string): number {
  if (!/^[1-9]\d{0,9}$/.test(pr)) {
    throw new BadRequestException(
      `pr must be a pull request number such as 12, got ${JSON.stringify(pr)}`,
    );
  }
  return Number(pr);
}

export function ownerParam(owner: string): string {
  if (!isGitHubLogin(owner)) {
    throw new BadRequestException(`owner must be a GitHub login, got ${JSON.stringify(owner)}`);
  }
  return owner;
}
