// Block Kit limits Slack enforces on `blocks` (https://docs.slack.dev/reference/block-kit/blocks):
// a message that breaks one is refused with `invalid_blocks`, so a renderer that overflows a
// section shows up in tests, not in a real channel.
import { SlackApiError } from './errors.js';

export const MAX_BLOCKS = 50;
export const SECTION_TEXT_MAX = 3_000;
export const SECTION_FIELDS_MAX = 10;
export const FIELD_TEXT_MAX = 2_000;
export const HEADER_TEXT_MAX = 150;
export const CONTEXT_ELEMENTS_MAX = 10;
const KNOWN = new Set([
  'section',
  'header',
  'context',
  'divider',
  'actions',
  'image',
  'rich_text',
  'markdown',
  'input',
  'file',
  'video',
]);

/** The `blocks` argument (a JSON string in a form, an array in JSON), checked; undefined if absent. */
export function readBlocks(value: unknown): unknown[] | undefined {
  if (value === undefined || value === '') return undefined;
  let blocks: unknown = value;
  if (typeof value === 'string') {
    try {
      blocks = JSON.parse(value);
    } catch {
      throw new SlackApiError('invalid_blocks_format');
    }
  }
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  const problems: string[] = [];
  if (blocks.length > MAX_BLOCKS) {
    problems.push(`[ERROR] no more than ${MAX_BLOCKS} items allowed [json-pointer:/blocks]`);
  }
  blocks.forEach((block: unknown, index) => {
    if (
      typeof block !== 'object' ||
      block === null ||
      typeof (block as { type?: unknown }).type !== 'string'
    ) {
      throw new SlackApiError('invalid_blocks_format');
    }
    problems.push(...blockProblems(block as Record<string, unknown>, `/blocks/${index}`));
  });
  if (problems.length > 0) throw new SlackApiError('invalid_blocks', 200, {}, problems);
  return blocks;
}

function blockProblems(block: Record<string, unknown>, at: string): string[] {
  const type = block['type'] as string;
  if (!KNOWN.has(type)) return [`[ERROR] unsupported type: ${type} [json-pointer:${at}/type]`];
  const problems: string[] = [];
  if (type === 'section') {
    const text = block['text'];
    const fields = block['fields'];
    if (text === undefined && fields === undefined) {
      problems.push(`[ERROR] must provide text or fields [json-pointer:${at}]`);
    }
    if (text !== undefined) problems.push(...textProblems(text, SECTION_TEXT_MAX, `${at}/text`));
    if (fields !== undefined) {
      if (!Array.isArray(fields) || fields.length > SECTION_FIELDS_MAX) {
        problems.push(
          `[ERROR] no more than ${SECTION_FIELDS_MAX} items allowed [json-pointer:${at}/fields]`,
        );
      } else {
        fields.forEach((field: unknown, i) =>
          problems.push(...textProblems(field, FIELD_TEXT_MAX, `${at}/fields/${i}`)),
        );
      }
    }
  } else if (type === 'header') {
    problems.push(...textProblems(block['text'], HEADER_TEXT_MAX, `${at}/text`, 'plain_text'));
  } else if (type === 'context') {
    const elements = block['elements'];
    if (
      !Array.isArray(elements) ||
      elements.length === 0 ||
      elements.length > CONTEXT_ELEMENTS_MAX
    ) {
      problems.push(
        `[ERROR] must have 1 to ${CONTEXT_ELEMENTS_MAX} elements [json-pointer:${at}/elements]`,
      );
    }
  }
  return problems;
}

function textProblems(text: unknown, max: number, at: string, only?: 'plain_text'): string[] {
  const { type, text: value } = (text ?? {}) as { type?: unknown; text?: unknown };
  const types = only ? [only] : ['plain_text', 'mrkdwn'];
  if (typeof type !== 'string' || !types.includes(type)) {
    return [`[ERROR] must be a ${types.join(' or ')} text object [json-pointer:${at}/type]`];
  }
  if (typeof value !== 'string' || value.length === 0) {
    return [`[ERROR] must be more than 0 characters [json-pointer:${at}/text]`];
  }
  if (value.length > max) {
    return [`[ERROR] must be less than ${max + 1} characters [json-pointer:${at}/text]`];
  }
  return [];
}
