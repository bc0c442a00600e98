/**
 * Per-environment templates: `{{ namespace.key }}`, e.g. `{{ urls.api }}`.
 *
 * Why not `${BERTH_URL_api}`: `$` belongs to compose interpolation, which runs first and would
 * consume it. `{{ … }}` passes through interpolation untouched and cannot be confused with it.
 *
 * - whitespace inside the braces is optional: `{{urls.api}}` works;
 * - the key is everything after the first dot, so service names with dots work (`urls.api.v2`);
 * - `\{{` is a literal `{{`; any other `{{` that is not a well-formed placeholder is an error,
 *   so a typo never ships silently;
 * - an unknown placeholder is an error naming where it is and the keys that exist
 *   (never their values: some are secrets).
 */

export type TemplateContext = Readonly<Record<string, Readonly<Record<string, string>>>>;

export class TemplateError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'TemplateError';
  }
}

const PLACEHOLDER = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\}\}/;

export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}

export function renderTemplate(text: string, context: TemplateContext, where: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open === -1) {
      out += text.slice(i);
      break;
    }
    if (open > 0 && text[open - 1] === '\\') {
      out += `${text.slice(i, open - 1)}{{`;
      i = open + 2;
      continue;
    }
    out += text.slice(i, open);
    const match = PLACEHOLDER.exec(text.slice(open));
    if (!match) {
      const snippet = text.slice(open, open + 40);
      throw new TemplateError(
        where,
        `malformed placeholder \`${snippet}\`: write \`{{ namespace.key }}\` (e.g. \`{{ urls.api }}\`), or \`\\{{\` for literal braces`,
      );
    }
    const [whole, namespace, key] = match as unknown as [string, string, string];
    const values = Object.hasOwn(context, namespace) ? context[namespace] : undefined;
    const value = values && Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === undefined) {
      const known = Object.entries(context)
        .flatMap(([ns, entries]) => Object.keys(entries).map((k) => `${ns}.${k}`))
        .sort();
      throw new TemplateError(
        where,
        `unknown placeholder \`{{ ${namespace}.${key} }}\`; known: ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
    out += value;
    i = open + whole.length;
  }
  return out;
}

/** Renders each value of a map; the error names `where.KEY`. */
export function renderTemplateMap(
  values: Readonly<Record<string, string>>,
  context: TemplateContext,
  where: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      renderTemplate(value, context, `${where}.${key}`),
    ]),
  );
}
