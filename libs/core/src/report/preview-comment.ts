import type { PreviewEvent } from './commit-status.js';
import { expiredHeader, expiringSection, type PreviewCommentExpiry } from './expiry-notice.js';
import { asleepHeader, asleepServices, type PreviewCommentSleep } from './sleep-notice.js';
import { redactSecrets, truncate, truncateLines } from './redact.js';
import { costLine } from '../cost/pricing.js';

/** Hidden first line of Berth's sticky comment: how it is found again after a restart. */
export const PREVIEW_COMMENT_MARKER = '<!-- berth:preview -->';

/** The environment states (same strings as the state store). */
export type PreviewCommentState =
  | 'pending'
  | 'held'
  | 'skipped'
  | 'building'
  | 'provisioning'
  | 'ready'
  | 'failed'
  | 'destroying'
  | 'destroyed';

export interface PreviewCommentService {
  name: string;
  /** Short health word: running, healthy, starting, exited, pending, … */
  status: string;
  /** How its image was obtained this revision: built now, reused by tag, or a plain `image:`. */
  source?: 'built' | 'cached' | 'image';
  /** Build time when built. */
  durationMs?: number;
}

export interface PreviewCommentStage {
  stage: string;
  status: string;
  durationMs?: number | null;
  error?: string | null;
}

export interface PreviewCommentNote {
  label?: string;
  message: string;
}

export interface PreviewCommentInput {
  state: PreviewCommentState;
  /** `owner/name`. */
  repo: string;
  pr: number;
  headSha: string;
  generation: number;
  /**
   * Exposed service → its plain URL. Never a share link: a PR comment is public on a public
   * repository, so it carries no credential (decision 0013).
   */
  urls: Readonly<Record<string, string>>;
  /** Private previews say how to get in. Default private. */
  access?: 'private' | 'public';
  services: readonly PreviewCommentService[];
  stages: readonly PreviewCommentStage[];
  /** Label problems and "not yet supported" options from the last label parse. */
  labelNotes: readonly PreviewCommentNote[];
  /** The event that triggered this render (the failed stage and its error live here). */
  event?: PreviewEvent;
  /** Things the preview got that differ from what it asked for (limits clamped to ceilings). */
  notices?: readonly string[];
  /** What the database holds this generation: kept, branched from a base, or empty (issue 10). */
  database?: string;
  /** A stack shape other than the full stack: which services are the PR's, which borrowed. */
  shape?: string;
  /** Values that must never appear in the comment (generated credentials); also pattern-redacted. */
  secrets?: readonly string[];
  /** The TTL's warning or expiry (decision 0020). */
  expiry?: PreviewCommentExpiry;
  /**
   * What the preview has cost so far at the operator's prices (decision 0025); the line waits
   * for the first measurement. Shown on every render, so it follows the comment's own updates.
   */
  cost?: { total: number; measured: boolean };
  /** Asleep since (decision 0024): a ready preview whose containers are stopped until opened. */
  asleep?: PreviewCommentSleep;
  /** The last PR chat-op's answer (decision 0026): who, what, result. */
  lastCommand?: string;
  /**
   * An older commit whose containers still answer at `urls` while this one builds or after it
   * failed before replacing any of them (decision 0038).
   */
  serving?: { sha: string; generation: number };
}

/**
 * Error text kept in a comment: room for every problem of a compose file (each line is bounded,
 * and the cut, if ever, says how many more). The whole comment stays under GitHub's limit.
 */
export const COMMENT_ERROR_MAX = 40_000;
/** GitHub refuses a comment body longer than this. */
export const COMMENT_MAX = 65_536;

const shortSha = (sha: string): string => sha.slice(0, 7);

function seconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Keeps table cells on one line and stops `|` from splitting them. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A fenced block that the text cannot close early. */
function fenced(text: string): string {
  return ['```text', text.replace(/`{3,}/g, (m) => '\u02cb'.repeat(m.length)), '```'].join('\n');
}

function header(input: PreviewCommentInput): string[] {
  const sha = `\`${shortSha(input.headSha)}\``;
  const event = input.event;
  switch (input.state) {
    case 'pending':
    case 'building':
    case 'provisioning': {
      if (event?.kind === 'queued') {
        return [
          '### ⏳ Preview queued',
          `Commit ${sha} — stage **${event.stage}** waits for room on the Docker host and is retried by itself.`,
          '',
          `> ${cell(truncate(redactSecrets(event.reason, input.secrets), 500))}`,
          ...servingLine(input, `until ${sha} is ready`),
        ];
      }
      const running = [...input.stages].reverse().find((s) => s.status === 'running')?.stage;
      const stage = event?.kind === 'started' ? event.stage : running;
      const doing = input.state === 'provisioning' ? 'provisioning' : 'building';
      return [
        `### ⏳ Preview ${doing}`,
        `Commit ${sha}${stage ? ` — stage **${stage}** is running` : ' — queued'}.`,
        ...servingLine(input, `until ${sha} is ready`),
      ];
    }
    case 'ready':
      return ['### ✅ Preview ready', `Commit ${sha} is running in its own isolated environment.`];
    case 'failed': {
      const stage = event?.kind === 'failed' ? event.stage : lastFailed(input.stages)?.stage;
      const raw =
        event?.kind === 'failed' ? event.error : (lastFailed(input.stages)?.error ?? undefined);
      const lines = [
        `### ❌ Preview failed${stage ? ` at **${stage}**` : ''}`,
        `Commit ${sha}. A new push or a \`preview:rebuild\` label retries.`,
        ...servingLine(input, 'as the last good revision'),
      ];
      if (raw) {
        const error = truncateLines(redactSecrets(raw, input.secrets).trim(), COMMENT_ERROR_MAX);
        lines.push('', fenced(error));
      }
      return lines;
    }
    case 'held':
      return [
        '### 🔒 Preview held: this pull request comes from a fork',
        `Berth does not build a fork's code or give it credentials until a maintainer has read it. ` +
          `A maintainer must add \`preview:approved\` for commit ${sha}; a later push needs approval again.`,
      ];
    case 'skipped':
      return [
        '### ⏭️ Preview skipped',
        'The `preview:skip` label is set, so this pull request has no preview. Remove the label to get one.',
      ];
    case 'destroying':
      return ['### 🗑️ Preview being destroyed', 'Removing everything this preview created.'];
    case 'destroyed':
      return [
        '### 🗑️ Preview destroyed',
        'The preview was destroyed: its containers, network, volumes and routes are gone.',
      ];
  }
}

/** Only where the URLs still answer with an older commit: the reader must not mistake it. */
function servingLine(input: PreviewCommentInput, until: string): string[] {
  const serving = input.serving;
  if (!serving || serving.generation >= input.generation) return [];
  return [
    '',
    `> The links below still serve an older commit, \`${shortSha(serving.sha)}\` (generation ${serving.generation}), ${until}.`,
  ];
}

function lastFailed(stages: readonly PreviewCommentStage[]): PreviewCommentStage | undefined {
  return [...stages].reverse().find((s) => s.status === 'failed');
}

function urlsSection(input: PreviewCommentInput): string[] {
  const entries = Object.entries(input.urls).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return [];
  const lines = ['#### URLs', '', '| Service | URL |', '| --- | --- |'];
  for (const [service, url] of entries) lines.push(`| \`${service}\` | ${cell(url)} |`);
  if ((input.access ?? 'private') === 'private') {
    lines.push(
      '',
      `Private preview: sign in if this repository allows it, or ask a Berth operator for a share link (\`berth share create ${input.repo} ${input.pr}\`).`,
    );
  }
  return lines;
}

function imageWord(service: PreviewCommentService): string {
  switch (service.source) {
    case 'built':
      return `rebuilt (${seconds(service.durationMs)})`;
    case 'cached':
      return 'reused';
    case 'image':
      return 'image';
    default:
      return '—';
  }
}

function servicesSection(services: readonly PreviewCommentService[]): string[] {
  if (services.length === 0) return [];
  const sorted = [...services].sort((a, b) => a.name.localeCompare(b.name));
  const lines = ['#### Services', '', '| Service | Status | Image |', '| --- | --- | --- |'];
  for (const s of sorted) lines.push(`| \`${s.name}\` | ${cell(s.status)} | ${imageWord(s)} |`);
  const rebuilt = sorted.filter((s) => s.source === 'built').map((s) => `\`${s.name}\``);
  const reused = sorted.filter((s) => s.source === 'cached').map((s) => `\`${s.name}\``);
  if (rebuilt.length + reused.length > 0) {
    lines.push(
      '',
      `Rebuilt: ${rebuilt.join(', ') || 'nothing'} · reused: ${reused.join(', ') || 'nothing'}.`,
    );
  }
  return lines;
}

function stagesSection(stages: readonly PreviewCommentStage[]): string[] {
  if (stages.length === 0) return [];
  const lines = ['#### Stages', '', '| Stage | Status | Time |', '| --- | --- | --- |'];
  for (const s of stages) {
    lines.push(`| ${cell(s.stage)} | ${cell(s.status)} | ${seconds(s.durationMs)} |`);
  }
  return lines;
}

function noticesSection(notices: readonly string[] | undefined): string[] {
  if (!notices?.length) return [];
  const lines = ['#### Resource limits', ''];
  for (const notice of notices) lines.push(`- ${cell(truncate(notice, 300))}`);
  return lines;
}

function notesSection(notes: readonly PreviewCommentNote[]): string[] {
  if (notes.length === 0) return [];
  const lines = ['#### Labels', ''];
  for (const n of notes) {
    const message = cell(truncate(n.message, 300));
    lines.push(n.label ? `- \`${cell(n.label)}\`: ${message}` : `- ${message}`);
  }
  return lines;
}

/** States that have (or had) a running environment worth describing. */
const SHOWS_ENVIRONMENT: ReadonlySet<PreviewCommentState> = new Set([
  'pending',
  'building',
  'provisioning',
  'ready',
  'failed',
]);

/**
 * Berth's sticky PR comment. Pure: the reporter gathers the facts, this lays them out. Starts with
 * the hidden marker; never contains wiring secrets (errors are redacted and truncated).
 */
export function renderPreviewComment(input: PreviewCommentInput): string {
  const sections: string[][] = [
    expiredHeader(input) ?? asleepHeader(input) ?? header(input),
    expiringSection(input),
  ];
  if (SHOWS_ENVIRONMENT.has(input.state)) {
    // URLs only once something serves them: a URL shown while building would 404, unless an
    // older commit still answers there.
    if (input.state === 'ready' || servingLine(input, '').length > 0) {
      sections.push(urlsSection(input));
    }
    sections.push(servicesSection(asleepServices(input)));
    sections.push(noticesSection(input.notices));
    if (input.shape) sections.push(['#### Stack', '', `- ${cell(truncate(input.shape, 600))}`]);
    if (input.database)
      sections.push(['#### Data', '', `- ${cell(truncate(input.database, 400))}`]);
  }
  if (input.state !== 'held' && input.state !== 'skipped') {
    sections.push(stagesSection(input.stages));
  }
  sections.push(notesSection(input.labelNotes));
  const cost = input.cost
    ? costLine(input.cost, input.state === 'destroyed' ? 'destroyed' : 'live')
    : null;
  if (cost) sections.push([cost]);
  if (input.lastCommand) {
    // User text (the command line) and our answer: one line, redacted like everything else.
    const line = redactSecrets(cell(truncate(input.lastCommand, 600)), input.secrets ?? []);
    sections.push([`**Last command:** ${line}`]);
  }
  sections.push([
    `<sub>${cell(input.repo)}#${input.pr} · commit \`${shortSha(input.headSha)}\` · generation ${input.generation} · Berth</sub>`,
  ]);
  const body = sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n');
  return truncate(`${PREVIEW_COMMENT_MARKER}\n${body}\n`, COMMENT_MAX);
}
