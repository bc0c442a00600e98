import { BERTH_CHECK_RUN_NAME } from '../events/check-run-event.js';
import type { PreviewEvent } from './commit-status.js';
import type { PreviewCommentStage } from './preview-comment.js';
import { redactSecrets, truncate, truncateLines } from './redact.js';

/** The check run's name on GitHub (one per head SHA, edited in place). */
export const CHECK_RUN_NAME = BERTH_CHECK_RUN_NAME;

/** GitHub refuses an output summary or text longer than this. */
export const CHECK_OUTPUT_MAX = 65_535;
/** Annotations GitHub takes in one create/update request (more go in further updates). */
export const CHECK_ANNOTATIONS_PER_REQUEST = 50;
/** Failure output kept in the check run's text: a log tail, not the whole log. */
const FAILURE_TEXT_MAX = 20_000;

/** What the check run reports: the lifecycle events, plus `requested` (the head was seen). */
export type CheckRunEvent = PreviewEvent | { kind: 'requested' };

export type CheckRunStatus = 'queued' | 'in_progress' | 'completed';
export type CheckRunConclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'neutral';

export interface CheckRunService {
  name: string;
  /** The preview URL's host (exposed services only). */
  host?: string;
  /** The image the container runs (tag or reference). */
  image?: string;
  /** How the image was obtained this revision. */
  source?: 'built' | 'cached' | 'image';
  /** Build time when built. */
  durationMs?: number;
  /** Short health word: healthy, running, starting, exited, waiting, … */
  state: string;
}

/** A spec problem on a line of a repository file (see composeProblemLines). */
export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  level: 'failure' | 'warning' | 'notice';
  title?: string;
  message: string;
}

export interface CheckRunInput {
  event: CheckRunEvent;
  /** `owner/name`. */
  repo: string;
  pr: number;
  headSha: string;
  generation: number;
  services: readonly CheckRunService[];
  stages: readonly PreviewCommentStage[];
  /** The environment's page in the Berth console; no link when unset. */
  consoleUrl?: string;
  /** Problems on lines of the compose file (a failed build of an invalid spec). */
  annotations?: readonly CheckAnnotation[];
  /** Values never shown (every secret known for the environment); also pattern-redacted. */
  secrets?: readonly string[];
}

export interface CheckRunView {
  status: CheckRunStatus;
  conclusion?: CheckRunConclusion;
  title: string;
  /** Markdown. */
  summary: string;
  /** Markdown: the failure's log tail, when there is one. */
  text?: string;
  annotations: CheckAnnotation[];
}

/**
 * The check run for an event, or null when the event does not change it (teardown: the head's
 * check keeps what the preview last achieved, like the commit status).
 */
export function renderCheckRun(input: CheckRunInput): CheckRunView | null {
  const head = headline(input.event);
  if (!head) return null;
  const secrets = input.secrets ?? [];
  const clean = (text: string) => redactSecrets(text, secrets);
  const summary = truncate(clean(summaryOf(input, head.title)), CHECK_OUTPUT_MAX);
  const text =
    input.event.kind === 'failed' && input.event.error.trim()
      ? failureText(input.event.stage, clean(input.event.error))
      : undefined;
  const annotations = (input.annotations ?? []).map((a) => ({
    ...a,
    message: truncate(clean(a.message), 64 * 1024 - 1),
    ...(a.title ? { title: truncate(clean(a.title), 255) } : {}),
  }));
  return {
    status: head.status,
    ...(head.conclusion ? { conclusion: head.conclusion } : {}),
    title: truncate(clean(head.title), 255),
    summary,
    ...(text ? { text } : {}),
    annotations,
  };
}

/**
 * The check run of an earlier head that a newer push replaced before it finished: completed as
 * cancelled, naming the head that took over (GitHub reserves `stale` for itself).
 */
export function supersededCheckRun(newHeadSha: string): CheckRunView {
  return {
    status: 'completed',
    conclusion: 'cancelled',
    title: `Superseded by ${newHeadSha.slice(0, 7)}`,
    summary: `A newer commit (\`${newHeadSha.slice(0, 7)}\`) replaced this one before its preview was ready.`,
    annotations: [],
  };
}

/** A "Re-run" that was not acted on; the check run keeps its status and says why. */
export function rerunRefusedNote(reason: string): { title: string; summary: string } {
  return { title: 'Re-run ignored', summary: `Re-run ignored: ${reason}.` };
}

interface Headline {
  status: CheckRunStatus;
  conclusion?: CheckRunConclusion;
  title: string;
}

function headline(event: CheckRunEvent): Headline | null {
  switch (event.kind) {
    case 'requested':
      return { status: 'queued', title: 'Queued' };
    case 'started':
      if (event.stage === 'teardown') return null;
      return {
        status: 'in_progress',
        title: event.stage === 'build' ? 'Building' : `Provisioning (${event.stage})`,
      };
    case 'queued':
      return {
        status: 'in_progress',
        title: `Waiting for room: ${event.reason.replace(/^queued:\s*/, '').replace(/;.*$/, '')}`,
      };
    case 'ready':
      return { status: 'completed', conclusion: 'success', title: 'Preview ready' };
    case 'failed':
      return {
        status: 'completed',
        conclusion: 'failure',
        title: `Preview failed at ${event.stage}`,
      };
    case 'held':
      return { status: 'queued', title: 'Waiting for approval (preview:approved)' };
    case 'skipped':
      return { status: 'completed', conclusion: 'skipped', title: 'Skipped by label preview:skip' };
    case 'destroyed':
      return null;
  }
}

const shortSha = (sha: string): string => sha.slice(0, 7);

function seconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** A table cell: no pipes or newlines from a service name or image reference. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

function imageWord(service: CheckRunService): string {
  switch (service.source) {
    case 'built':
      return `rebuilt (${seconds(service.durationMs)})`;
    case 'cached':
      return 'reused';
    case 'image':
      return 'pulled';
    default:
      return '—';
  }
}

function summaryOf(input: CheckRunInput, title: string): string {
  const lines: string[] = [
    `**${title}** for \`${input.repo}#${input.pr}\` at \`${shortSha(input.headSha)}\` (generation ${input.generation}).`,
    '',
  ];
  if (input.services.length > 0) {
    lines.push(
      '| Service | URL host | Image | Rebuilt or reused | State |',
      '|---|---|---|---|---|',
    );
    for (const s of input.services) {
      lines.push(
        `| ${cell(s.name)} | ${s.host ? `\`${cell(s.host)}\`` : '—'} | ${s.image ? `\`${cell(s.image)}\`` : '—'} | ${imageWord(s)} | ${cell(s.state)} |`,
      );
    }
    lines.push('');
    const rebuilt = input.services.filter((s) => s.source === 'built').map((s) => s.name);
    const reused = input.services.filter((s) => s.source === 'cached').map((s) => s.name);
    if (rebuilt.length + reused.length > 0) {
      lines.push(
        `**Rebuilt:** ${rebuilt.length > 0 ? rebuilt.join(', ') : 'nothing'}` +
          (reused.length > 0 ? ` · **Reused:** ${reused.join(', ')}` : ''),
        '',
      );
    }
  }
  if (input.stages.length > 0) {
    lines.push('| Stage | Status | Time |', '|---|---|---|');
    for (const stage of input.stages) {
      lines.push(`| ${stage.stage} | ${stage.status} | ${seconds(stage.durationMs)} |`);
    }
    const total = input.stages.reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
    lines.push(`| **total** | | ${seconds(total)} |`, '');
  }
  if ((input.annotations?.length ?? 0) > 0) {
    lines.push(
      `The compose file has ${input.annotations?.length} problem${input.annotations?.length === 1 ? '' : 's'}, marked on its lines.`,
      '',
    );
  }
  if (input.consoleUrl) lines.push(`[Open in the Berth console](${input.consoleUrl})`);
  return lines.join('\n').trimEnd();
}

function failureText(stage: string, error: string): string {
  const tail = truncateLines(error, FAILURE_TEXT_MAX);
  // A fence longer than any backtick run inside, so the log cannot close it.
  const longest = Math.max(2, ...[...tail.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `### ${stage} failed\n\n${fence}\n${tail}\n${fence}`;
}
