import { formatDuration, parseTtl } from '../units/duration.js';

/** The commands a pull request comment can give Berth (decision 0026). */
export type ChatCommand =
  | { name: 'redeploy' }
  | { name: 'rebuild' }
  | { name: 'destroy' }
  | { name: 'status' }
  | { name: 'link' }
  | { name: 'extend'; byMs: number };

export type ChatCommandName = ChatCommand['name'];

export type ChatCommandParse =
  /** Not addressed to Berth: the first non-empty line does not start with `/berth`. */
  | { kind: 'none' }
  | { kind: 'command'; command: ChatCommand; text: string }
  /** Addressed to Berth but not understood: `reason` names the argument and the accepted forms. */
  | { kind: 'invalid'; reason: string; text: string };

export const CHAT_COMMAND_USAGE =
  '`/berth redeploy`, `/berth rebuild`, `/berth extend <duration>` (e.g. `12h`, `3d`), `/berth destroy`, `/berth status`, `/berth link`';

const NO_ARGUMENT: ReadonlySet<string> = new Set([
  'redeploy',
  'rebuild',
  'destroy',
  'status',
  'link',
]);

/** Longest text of the command line kept for answers (a comment line can be anything). */
const TEXT_MAX = 80;

/** True when a comment is addressed to Berth (cheap: the api classifies with it). */
export function isChatCommand(body: string): boolean {
  return parseChatCommand(body).kind !== 'none';
}

/**
 * Reads a comment's first non-empty line. Only `/berth` then a space (or the line's end) is
 * ours: `/berthday` is not. Subcommands are case-insensitive; anything after the first line is
 * the human's and ignored.
 */
export function parseChatCommand(body: string): ChatCommandParse {
  const line =
    body
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  if (!/^\/berth(\s|$)/i.test(line)) return { kind: 'none' };
  const text = line.length > TEXT_MAX ? `${line.slice(0, TEXT_MAX)}…` : line;
  const [, sub, ...args] = line.split(/\s+/);
  if (sub === undefined) {
    return { kind: 'invalid', reason: `no command given: use ${CHAT_COMMAND_USAGE}`, text };
  }
  const name = sub.toLowerCase();
  if (NO_ARGUMENT.has(name)) {
    if (args.length > 0) {
      return {
        kind: 'invalid',
        reason: `\`/berth ${name}\` takes no argument (got \`${quote(args.join(' '))}\`)`,
        text,
      };
    }
    return { kind: 'command', command: { name } as ChatCommand, text };
  }
  if (name === 'extend') {
    const [duration, ...rest] = args;
    if (duration === undefined || rest.length > 0) {
      return {
        kind: 'invalid',
        reason:
          '`/berth extend` takes one duration: a whole number and one unit of m, h, d or w, e.g. `12h` or `3d`',
        text,
      };
    }
    try {
      return { kind: 'command', command: { name: 'extend', byMs: parseTtl(duration) }, text };
    } catch {
      return {
        kind: 'invalid',
        reason: `duration \`${quote(duration)}\` is not valid: use a whole number and one unit of m, h, d or w, e.g. \`12h\` or \`3d\``,
        text,
      };
    }
  }
  return {
    kind: 'invalid',
    reason: `unknown command \`${quote(sub)}\`: use ${CHAT_COMMAND_USAGE}`,
    text,
  };
}

/** Keeps user text from breaking out of inline code, and short. */
function quote(text: string): string {
  const flat = text.replace(/`/g, "'");
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat;
}

/**
 * The operator's ceiling on a PR's own extension: expiry may not move further than the TTL
 * ceiling (`TTL_MAX_HOURS`) from now. The operator's own `berth env extend` is not bound by it;
 * a pull request never loosens operator policy. Undefined when allowed.
 */
export function chatExtendRefusal(
  byMs: number,
  newExpiresAt: number,
  now: number,
  ceilingMs: number,
): string | undefined {
  if (byMs > ceilingMs || newExpiresAt - now > ceilingMs) {
    return `extending by ${formatDuration(byMs)} would keep the preview beyond the operator's TTL ceiling of ${formatDuration(ceilingMs)} from now; ask for less, or ask an operator (\`berth env extend\`)`;
  }
  return undefined;
}

/** The sticky comment's "last command" line: who, what, result. */
export function lastCommandLine(input: { author: string; text: string; result: string }): string {
  return `\`@${input.author}\`: \`${input.text.replace(/`/g, "'")}\` — ${input.result}`;
}
