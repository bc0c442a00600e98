// Parses the Engine's build progress stream (JSON objects, one per line) into log lines, the
// image id and, on failure, the step that failed. Pure apart from the onLog callback. BuildKit
// builds (build secrets, decision 0037) add `moby.buildkit.trace` messages, decoded to lines.

import { BuildkitTraceDecoder } from './buildkit-trace.js';

export interface BuildOutcome {
  imageId: string | null;
  error: string | null;
  /** The last `Step N/M : …` line seen: the failing step when `error` is set. */
  step: string | null;
  lastLines: string[];
}

const KEEP_LINES = 30;
const STEP = /^Step \d+\/\d+ : /;

export class BuildOutputParser {
  private buffer = '';
  private readonly trace = new BuildkitTraceDecoder();
  private readonly outcome: BuildOutcome = {
    imageId: null,
    error: null,
    step: null,
    lastLines: [],
  };

  constructor(private readonly onLog: (line: string) => void = () => undefined) {}

  push(chunk: Buffer | string): void {
    this.buffer += chunk.toString();
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      this.handle(this.buffer.slice(0, nl));
      this.buffer = this.buffer.slice(nl + 1);
    }
  }

  end(): BuildOutcome {
    if (this.buffer.trim()) this.handle(this.buffer);
    this.buffer = '';
    return this.outcome;
  }

  private handle(raw: string): void {
    const text = raw.trim();
    if (!text) return;
    let msg: {
      id?: string;
      stream?: string;
      status?: string;
      error?: string;
      errorDetail?: { message?: string };
      aux?: { ID?: string } | string;
    };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.line(text); // not JSON: still worth showing
      return;
    }
    if (msg.id === 'moby.buildkit.trace' && typeof msg.aux === 'string') {
      for (const line of this.trace.decode(msg.aux)) this.line(line);
      if (this.trace.step) this.outcome.step = this.trace.step;
      return;
    }
    if (typeof msg.aux === 'object' && msg.aux.ID) this.outcome.imageId = msg.aux.ID;
    for (const line of (msg.stream ?? msg.status ?? '').split('\n')) {
      if (line.trim()) this.line(line.replace(/\r$/, ''));
    }
    if (msg.error || msg.errorDetail) {
      const detail = (msg.errorDetail?.message ?? msg.error ?? 'unknown build error').trim();
      this.outcome.error = detail;
      this.line(`ERROR: ${detail}`);
    }
  }

  private line(line: string): void {
    if (STEP.test(line)) this.outcome.step = line.trim();
    this.outcome.lastLines.push(line);
    if (this.outcome.lastLines.length > KEEP_LINES) this.outcome.lastLines.shift();
    this.onLog(line);
  }
}
