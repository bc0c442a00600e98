// The one Slack message a pull request's preview gets (decision 0028), edited in place as the
// lifecycle moves, and the replies in its thread. Pure: the Slack sink gathers the facts.
// Every free text (a failure's log tail, a queue reason) is masked with the environment's
// secret values, like the PR comment (decision 0010).

import { redactSecrets, truncate, truncateLines } from './redact.js';

/** Where the preview is, as the message shows it. */
export type SlackPreviewState =
  /** A generation that will build was created (the head was seen). */
  | 'requested'
  | 'building'
  | 'provisioning'
  /** Waiting for room on its Docker host. */
  | 'waiting'
  | 'ready'
  | 'failed'
  /** A fork PR waiting for `preview:approved`. */
  | 'held'
  | 'skipped'
  | 'destroying'
  | 'destroyed';

export interface SlackMessageInput {
  state: SlackPreviewState;
  repo: string;
  pr: number;
  branch: string;
  headSha: string;
  generation: number;
  /** The preview's main URL (the `web` service's, else the first), once ready. */
  url?: string;
  /** Every exposed service's URL, once ready. */
  urls?: Readonly<Record<string, string>>;
  /** The failed (or waiting) stage. */
  stage?: string;
  /** Why it failed or waits: already redacted when stored; masked again here. */
  reason?: string;
  /** ISO time the TTL runs out, while the warning stands. */
  expiresAt?: string;
  /** Torn down because its TTL ran out (the PR stays open). */
  expired?: boolean;
  /** ISO time it was put to sleep (a ready preview whose containers are stopped). */
  asleepSince?: string;
  /** What it cost (cost telemetry), shown once destroyed; nothing when not measured. */
  cost?: { total: number; measured: boolean };
  /** `{CONSOLE_URL}/environments/{id}`, when a console is configured. */
  consoleUrl?: string;
  secrets?: readonly string[];
}

export interface SlackMessageView {
  /** The notification text (and what clients without blocks show). */
  text: string;
  blocks: SlackBlock[];
}

export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** Slack refuses a section text over 3,000 characters; the message stays well below. */
export const SLACK_SECTION_MAX = 3_000;
/** A failure's reason in the message itself; the whole log tail goes in the thread. */
export const SLACK_REASON_MAX = 300;
/** A thread reply's log tail (replies are plain text: Slack allows far more, nobody reads it). */
export const SLACK_REPLY_MAX = 3_500;

/** `&`, `<` and `>` are Slack's control characters in mrkdwn: escaped everywhere. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(url: string, label: string): string {
  return `<${slackEscape(url)}|${slackEscape(label).replace(/\|/g, '¦')}>`;
}

/** `$1.23`; `< $0.01` for a cost too small to show in cents. */
function dollars(amount: number): string {
  if (!Number.isFinite(amount) || amount <= 0) return '$0.00';
  if (amount < 0.005) return 'less than $0.01';
  return `$${amount.toFixed(2)}`;
}

/** `2026-12-05 09:01 UTC`. */
function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** One line of a reason: masked, on one line, cut short. */
function shortReason(reason: string, secrets: readonly string[]): string {
  const line = redactSecrets(reason, secrets).replace(/\s+/g, ' ').trim();
  return slackEscape(truncate(line, SLACK_REASON_MAX));
}

/** The headline and what follows it, per state. */
function status(input: SlackMessageInput): { headline: string; lines: string[] } {
  const secrets = input.secrets ?? [];
  switch (input.state) {
    case 'requested':
      return { headline: '🕓 Preview queued', lines: ['Waiting for a build slot.'] };
    case 'building':
      return { headline: '🔨 Building the preview', lines: [] };
    case 'provisioning':
      return { headline: '🚀 Starting the preview', lines: [] };
    case 'waiting':
      return {
        headline: '⏳ Waiting for room on its Docker host',
        lines: input.reason ? [shortReason(input.reason, secrets)] : [],
      };
    case 'ready': {
      if (input.asleepSince) {
        return {
          headline: '💤 Preview asleep',
          lines: [
            `Asleep since ${when(input.asleepSince)}; opening ${input.url ? link(input.url, hostOf(input.url)) : 'its URL'} wakes it.`,
          ],
        };
      }
      const lines = input.url ? [link(input.url, hostOf(input.url))] : [];
      if (input.expiresAt) {
        lines.push(
          `⏰ Expires at ${when(input.expiresAt)}: push a commit or \`berth env extend ${input.repo}#${input.pr}\` to keep it.`,
        );
      }
      return { headline: '✅ Preview ready', lines };
    }
    case 'failed':
      return {
        headline: `❌ Preview failed${input.stage ? ` at ${input.stage}` : ''}`,
        lines: input.reason ? [`> ${shortReason(input.reason, secrets)}`] : [],
      };
    case 'held':
      return {
        headline: '✋ Waiting for approval',
        lines: ['A fork’s preview is built once a maintainer labels it `preview:approved`.'],
      };
    case 'skipped':
      return {
        headline: '⏭️ Preview skipped',
        lines: ['The pull request is labelled `preview:skip`.'],
      };
    case 'destroying':
      return {
        headline: input.expired
          ? '⌛ Preview expired: tearing down'
          : '🧹 Tearing down the preview',
        lines: [],
      };
    case 'destroyed': {
      const lines: string[] = [];
      if (input.expired) lines.push('Its TTL ran out; a push or a label brings it back.');
      if (input.cost?.measured) lines.push(`It cost ${dollars(input.cost.total)} in all.`);
      return {
        headline: input.expired ? '⌛ Preview expired and destroyed' : '🗑️ Preview destroyed',
        lines,
      };
    }
  }
}

/** The message: a section (what and where) and a context line (which commit, links). */
export function renderSlackMessage(input: SlackMessageInput): SlackMessageView {
  const { headline, lines } = status(input);
  const title = `${slackEscape(input.repo)}#${input.pr}`;
  const body = [`*${headline}* · ${title}`, ...lines].join('\n');
  const context = [
    `\`${slackEscape(truncate(input.branch, 100))}\` at \`${input.headSha.slice(0, 7)}\``,
    `generation ${input.generation}`,
    ...(input.consoleUrl ? [link(input.consoleUrl, 'Berth console')] : []),
  ];
  const others =
    input.state === 'ready' && !input.asleepSince
      ? Object.entries(input.urls ?? {})
          .filter(([, url]) => url !== input.url)
          .sort(([a], [b]) => a.localeCompare(b))
          .slice(0, 8)
          .map(([name, url]) => link(url, name))
      : [];
  if (others.length > 0) context.push(`also ${others.join(', ')}`);
  return {
    text: `${input.repo}#${input.pr}: ${headline.replace(/^\S+\s/, '')}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(body, SLACK_SECTION_MAX) } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: truncate(context.join(' · '), SLACK_SECTION_MAX) }],
      },
    ],
  };
}

/** Backtick runs shortened so a log line cannot close the code block early. */
function fenced(text: string): string {
  return ['```', text.replace(/```/g, '`\u200b``'), '```'].join('\n');
}

/** A thread reply with a stage failure's whole (masked) log tail. */
export function slackFailureReply(input: {
  stage: string;
  error: string;
  generation: number;
  headSha: string;
  secrets?: readonly string[];
}): string {
  const error = truncateLines(redactSecrets(input.error, input.secrets ?? []), SLACK_REPLY_MAX);
  return [
    `❌ *${slackEscape(input.stage)}* failed (generation ${input.generation}, \`${input.headSha.slice(0, 7)}\`):`,
    fenced(slackEscape(error)),
  ].join('\n');
}

/** A thread reply when a new generation starts: a push, a rebuild, a re-run, a reopen. */
export function slackRedeployReply(input: {
  generation: number;
  headSha: string;
  previousSha?: string;
}): string {
  const sha = `\`${input.headSha.slice(0, 7)}\``;
  const what =
    input.previousSha === undefined
      ? `deploying ${sha}`
      : input.previousSha === input.headSha
        ? `rebuilding ${sha}`
        : `redeploying: new commit ${sha} (was \`${input.previousSha.slice(0, 7)}\`)`;
  return `🔁 Generation ${input.generation}: ${what}.`;
}

export type SlackNotice = 'expired' | 'asleep' | 'awake' | 'extended';

/** A thread reply when the TTL ran out or moved, or the preview was put to sleep or woken. */
export function slackNoticeReply(
  notice: SlackNotice,
  detail?: string,
  secrets: readonly string[] = [],
): string {
  const extra = detail ? ` ${shortReason(detail, secrets)}` : '';
  switch (notice) {
    case 'expired':
      return `⌛ Its TTL ran out: tearing the preview down.${extra}`;
    case 'asleep':
      return `💤 Put to sleep.${extra}`;
    case 'awake':
      return `☀️ Woken.${extra}`;
    case 'extended':
      return `⏰ Expiry extended.${extra}`;
  }
}
