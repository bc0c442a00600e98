// Record values Route 53 refuses (InvalidChangeBatch "Invalid Resource Record: 'FATAL problem:
// …'"): unquoted TXT, malformed addresses, multi-valued CNAMEs.
import { isIPv4, isIPv6 } from 'node:net';
import type { RecordSet } from './records.js';

const fatal = (problem: string, value: string): string =>
  `Invalid Resource Record: 'FATAL problem: ${problem} encountered with '${value}''`;

/** One or more `"…"` character-strings (backslash escapes allowed), as TXT/SPF require. */
const QUOTED_STRINGS = /^\s*("(?:[^"\\]|\\.)*"\s*)+$/;
const CHARACTER_STRING = /"((?:[^"\\]|\\.)*)"/g;

export function validateValues(record: RecordSet): string[] {
  if (record.alias) return [];
  const problems: string[] = [];
  if (record.values.length === 0) {
    problems.push(
      `RRSet ${record.name} of type ${record.type} must have at least one resource record`,
    );
  }
  if (record.type === 'CNAME' && record.values.length > 1) {
    problems.push(
      `RRSet of type CNAME with DNS name ${record.name} has more than one resource record`,
    );
  }
  for (const value of record.values) {
    const problem = valueProblem(record.type, value);
    if (problem) problems.push(problem);
  }
  return problems;
}

function valueProblem(type: string, value: string): string | undefined {
  if (value.length > 4000) return fatal('RRDATATooLong (Value is too long)', value);
  switch (type) {
    case 'A':
      return isIPv4(value)
        ? undefined
        : fatal('ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)', value);
    case 'AAAA':
      return isIPv6(value)
        ? undefined
        : fatal('AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address)', value);
    case 'TXT':
    case 'SPF':
      if (!QUOTED_STRINGS.test(value)) {
        return fatal('InvalidCharacterString (Value should be enclosed in quotation marks)', value);
      }
      for (const [, content] of value.matchAll(CHARACTER_STRING)) {
        if ((content ?? '').replace(/\\(.)/g, '$1').length > 255) {
          return fatal('TXTRDATATooLong (Value is too long)', value);
        }
      }
      return undefined;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return /^[^\s]+$/.test(value)
        ? undefined
        : fatal('DomainLabelEmpty (Domain label is empty)', value);
    default:
      return undefined;
  }
}
