// REST-XML bodies for Route 53 (API 2013-04-01), parsed and built with fast-xml-parser.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { Route53Error } from './errors.js';

export const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

export type XmlValue = string | XmlNode | XmlValue[];
export interface XmlNode {
  [element: string]: XmlValue;
}

/**
 * List members of the request shapes we parse, so one child still parses as a list
 * (`ResourceRecordSet` is a list member only in responses: inside a Change it is one element).
 */
const LIST_MEMBERS = new Set(['Change', 'ResourceRecord']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string ("007" stays "007"); the handlers convert what is numeric.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => LIST_MEMBERS.has(name),
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  format: false,
});

/** The document's root element name and content. */
export function parseXml(body: string): { root: string; node: XmlNode } {
  let parsed: unknown;
  try {
    parsed = parser.parse(body, true);
  } catch (error) {
    throw new Route53Error('MalformedInput', `Unable to parse XML: ${String(error)}`);
  }
  const roots = Object.entries((parsed ?? {}) as Record<string, unknown>).filter(
    ([name]) => !name.startsWith('?'),
  );
  const [first] = roots;
  if (roots.length !== 1 || !first) throw new Route53Error('MalformedInput', 'Unable to parse XML');
  const [root, content] = first;
  return { root, node: isNode(content) ? content : {} };
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A child element's text, if present. */
export function text(node: XmlNode, element: string): string | undefined {
  const value = node[element];
  return typeof value === 'string' ? value : undefined;
}

export function child(node: XmlNode, element: string): XmlNode | undefined {
  const value = node[element];
  if (value === '') return {}; // <Element/> with no children
  return isNode(value) ? value : undefined;
}

/** List members (`<Changes><Change/>…</Changes>` → the Change nodes). */
export function members(node: XmlNode | undefined, element: string): XmlNode[] {
  const value = node?.[element];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (isNode(item) ? item : {}));
}

/** Values for the builder: undefined is dropped, numbers/booleans become text. */
export type XmlInput =
  string | number | boolean | undefined | XmlInput[] | { [k: string]: XmlInput };

function clean(value: XmlInput): XmlValue | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    return value.map(clean).filter((v): v is XmlValue => v !== undefined);
  }
  if (typeof value === 'object') {
    const out: XmlNode = {};
    for (const [key, v] of Object.entries(value)) {
      const c = clean(v);
      if (c !== undefined) out[key] = c;
    }
    return out;
  }
  return String(value);
}

/** `<?xml…?><Root xmlns="…2013-04-01/">…</Root>` */
export function xmlDocument(root: string, content: Record<string, XmlInput>): string {
  const body = clean(content);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({
    [root]: { '@_xmlns': NAMESPACE, ...(isNode(body) ? body : {}) },
  })}`;
}
