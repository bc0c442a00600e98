import { type Admission, admitRepository, type Allowlist } from '@berth/core';
import type { RepositorySettingsStore } from '@berth/db';

/** Decides, per delivery, whether a repository may get previews at all. */
export interface RepositoryGate {
  admit(fullName: string): Promise<Admission>;
}

/**
 * The allowlist (ALLOWED_OWNERS / ALLOWED_REPOSITORIES) plus the operator's per-repository
 * settings: a stored row admits its repository, `enabled: false` refuses it. Read per delivery
 * (one indexed lookup), so `berth repo set` takes effect on the next webhook.
 */
export class RepositoryAdmission implements RepositoryGate {
  constructor(
    private readonly allowlist: Allowlist,
    private readonly settings: Pick<RepositorySettingsStore, 'forRepository'>,
  ) {}

  async admit(fullName: string): Promise<Admission> {
    return admitRepository(fullName, this.allowlist, await this.settings.forRepository(fullName));
  }
}
