import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ComposeProblem } from './problems.js';
import type { ComposeFile } from './load-tree.js';

/** A compose problem placed on the lines of the file it is about (1-based, inclusive). */
export interface ComposeProblemLocation {
  /** The file's path in the repository, as read (`compose.yaml`, `deploy/compose.yml`). */
  file: string;
  startLine: number;
  endLine: number;
  /** The problem's key path (`services.web.ports[0]`), or `(yaml)` for a syntax error. */
  key: string;
  message: string;
}

interface Parsed {
  file: ComposeFile;
  doc: ReturnType<typeof parseDocument>;
  lines: LineCounter;
}

/**
 * Where each problem sits in the compose file(s), from the `yaml` package's own source ranges:
 * the key path is walked down the parsed document (the deepest part that exists is used, so
 * a missing key points at its parent) and the node's range becomes lines through a LineCounter.
 * With an override file, the file whose tree holds more of the path wins (later files win a
 * tie: they override). Syntax errors carry their own position. A problem no file holds (an
 * empty path) goes on the first line of the first file.
 */
export function composeProblemLines(
  files: readonly ComposeFile[],
  problems: readonly ComposeProblem[],
): ComposeProblemLocation[] {
  const parsed: Parsed[] = files.map((file) => {
    const lines = new LineCounter();
    const doc = parseDocument(file.text, {
      lineCounter: lines,
      merge: true,
      uniqueKeys: true,
      prettyErrors: true,
    });
    return { file, doc, lines };
  });
  const first = parsed[0];
  if (!first) return [];
  const out: ComposeProblemLocation[] = [];
  for (const problem of problems) {
    if (problem.path === '(yaml)') {
      const hit = syntaxError(parsed, problem.message);
      out.push({ ...hit, key: problem.path, message: problem.message });
      continue;
    }
    const named = /^\((.+)\)$/.exec(problem.path)?.[1];
    const fileOnly = named && parsed.find((p) => p.file.path === named);
    if (named) {
      const target = fileOnly || first;
      out.push(at(target.file.path, 1, 1, problem));
      continue;
    }
    let best: { parsed: Parsed; depth: number; range: [number, number] } | undefined;
    for (const candidate of parsed) {
      const found = locate(candidate.doc.contents, problem.path);
      if (found && (!best || found.depth >= best.depth)) best = { parsed: candidate, ...found };
    }
    if (!best) {
      out.push(at(first.file.path, 1, 1, problem));
      continue;
    }
    const start = best.parsed.lines.linePos(best.range[0]).line;
    const end = best.parsed.lines.linePos(Math.max(best.range[0], best.range[1] - 1)).line;
    out.push(at(best.parsed.file.path, start, Math.max(start, end), problem));
  }
  return out;
}

function at(
  file: string,
  startLine: number,
  endLine: number,
  problem: ComposeProblem,
): ComposeProblemLocation {
  return { file, startLine, endLine, key: problem.path, message: problem.message };
}

/** The syntax error whose first line matches the problem (the loader keeps only that line). */
function syntaxError(
  parsed: readonly Parsed[],
  message: string,
): { file: string; startLine: number; endLine: number } {
  for (const p of parsed) {
    for (const error of p.doc.errors) {
      const head = error.message.split('\n')[0] ?? error.message;
      if (head === message || message.startsWith(head)) {
        const line = error.linePos?.[0].line ?? 1;
        return { file: p.file.path, startLine: line, endLine: error.linePos?.[1]?.line ?? line };
      }
    }
  }
  const withErrors = parsed.find((p) => p.doc.errors.length > 0) ?? parsed[0];
  const line = withErrors?.doc.errors[0]?.linePos?.[0].line ?? 1;
  return { file: withErrors?.file.path ?? '', startLine: line, endLine: line };
}

/**
 * Walks `rest` (a key path) down from `node`; at a map the longest key that prefixes the rest
 * is taken. Returns how many segments matched and the source range of the deepest node (a map
 * entry's key line, a scalar's whole value).
 */
function locate(
  node: unknown,
  rest: string,
  depth = 0,
): { depth: number; range: [number, number] } | undefined {
  if (rest === '') return undefined;
  if (isSeq(node)) {
    const match = /^\[(\d+)\]\.?/.exec(rest);
    if (!match) return undefined;
    const item = node.items[Number(match[1])];
    const range = rangeOf(item);
    if (!range) return undefined;
    const remaining = rest.slice(match[0].length);
    const deeper = remaining ? locate(item, remaining, depth + 1) : undefined;
    return deeper ?? { depth: depth + 1, range };
  }
  if (!isMap(node)) return undefined;
  let chosen: { pair: (typeof node.items)[number]; key: string } | undefined;
  for (const pair of node.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const fits = rest === key || rest.startsWith(`${key}.`) || rest.startsWith(`${key}[`);
    if (fits && (!chosen || key.length > chosen.key.length)) chosen = { pair, key };
  }
  if (!chosen) return undefined;
  const keyRange = rangeOf(chosen.pair.key);
  if (!keyRange) return undefined;
  const remaining = rest.slice(chosen.key.length).replace(/^\./, '');
  const value = chosen.pair.value;
  if (remaining) {
    const deeper = locate(value, remaining, depth + 1);
    if (deeper) return deeper;
    return { depth: depth + 1, range: keyRange };
  }
  // The key itself: a scalar value spans key to value; a collection only its key line.
  const valueRange = isScalar(value) ? rangeOf(value) : undefined;
  return { depth: depth + 1, range: [keyRange[0], valueRange ? valueRange[1] : keyRange[1]] };
}

function rangeOf(node: unknown): [number, number] | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}
