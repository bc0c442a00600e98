import { z } from 'zod';
import { PayloadError } from './pull-request-event.js';

/** Berth's check run: its name, and `external_id` = `berth:{pr}:{generation}` (ours to parse). */
export const BERTH_CHECK_RUN_NAME = 'Berth / preview';
const EXTERNAL_ID = /^berth:(\d{1,9}):(\d{1,9})$/;

export function checkRunExternalId(prNumber: number, generation: number): string {
  return `berth:${prNumber}:${generation}`;
}

/** The PR and generation a Berth check run was written for, or undefined when it is not ours. */
export function parseCheckRunExternalId(
  externalId: string | null | undefined,
): { prNumber: number; generation: number } | undefined {
  const match = EXTERNAL_ID.exec(externalId ?? '');
  if (!match) return undefined;
  return { prNumber: Number(match[1]), generation: Number(match[2]) };
}

const id = z.number().int().positive();
const text = z.string().min(1);
const sha = z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/i, 'must be a full commit SHA');

const payloadSchema = z.object({
  action: text,
  check_run: z.object({
    id,
    name: z.string(),
    head_sha: sha,
    external_id: z.string().nullish(),
    app: z.object({ id }).nullish(),
    pull_requests: z.array(z.object({ number: id })).default([]),
  }),
  repository: z.object({
    id,
    full_name: text,
    name: text,
    owner: z.object({ login: text }),
    clone_url: z.url(),
    default_branch: text,
  }),
  installation: z.object({ id }, { error: 'is required (is the webhook an App webhook?)' }),
  sender: z.object({ login: text }),
});

/** A `check_run` delivery, validated and flattened (what a "Re-run" needs). */
export interface CheckRunWebhook {
  action: string;
  checkRunId: number;
  name: string;
  headSha: string;
  externalId: string | null;
  /** The App that owns the check run. */
  appId: number | undefined;
  /**
   * The pull request: from our external id (a fork's PR is never in `pull_requests`), else the
   * first pull request GitHub lists; undefined when neither says.
   */
  prNumber: number | undefined;
  sender: string;
  repository: {
    providerId: number;
    fullName: string;
    owner: string;
    name: string;
    installationId: number;
  };
}

/** Validates a `check_run` payload; throws PayloadError naming every bad field. */
export function parseCheckRunEvent(payload: unknown): CheckRunWebhook {
  const result = payloadSchema.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    );
    throw new PayloadError(`invalid check_run payload: ${problems.join('; ')}`);
  }
  const p = result.data;
  const run = p.check_run;
  const ours = parseCheckRunExternalId(run.external_id);
  return {
    action: p.action,
    checkRunId: run.id,
    name: run.name,
    headSha: run.head_sha.toLowerCase(),
    externalId: run.external_id ?? null,
    appId: run.app?.id,
    prNumber: ours?.prNumber ?? run.pull_requests[0]?.number,
    sender: p.sender.login,
    repository: {
      providerId: p.repository.id,
      fullName: p.repository.full_name,
      owner: p.repository.owner.login,
      name: p.repository.name,
      installationId: p.installation.id,
    },
  };
}

/** Why a `check_run` delivery is not a Re-run of Berth's check, or undefined when it is. */
export function notOurRerun(event: CheckRunWebhook): string | undefined {
  if (event.action !== 'rerequested') return `check_run action ${event.action} is not handled`;
  if (event.name !== BERTH_CHECK_RUN_NAME || !parseCheckRunExternalId(event.externalId)) {
    return `check run ${event.checkRunId} (${event.name}) is not Berth's`;
  }
  if (event.prNumber === undefined) return `check run ${event.checkRunId} names no pull request`;
  return undefined;
}
