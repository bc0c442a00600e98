// The bounded tail of a stream of lines: what Berth keeps of a build's output (decision 0030).

/** The most lines of one service's build kept (the tail: the end is where a build fails). */
export const BUILD_LOG_MAX_LINES = 500;
/** The most characters of one kept line. */
export const BUILD_LOG_MAX_LINE_CHARS = 2_000;

/** Keeps the last `max` lines of a stream of lines, counting what it dropped. */
export class LineTail {
  private readonly kept: string[] = [];
  dropped = 0;

  constructor(private readonly max = BUILD_LOG_MAX_LINES) {}

  push(line: string): void {
    this.kept.push(
      line.length > BUILD_LOG_MAX_LINE_CHARS ? `${line.slice(0, BUILD_LOG_MAX_LINE_CHARS)}…` : line,
    );
    if (this.kept.length > this.max) {
      this.kept.shift();
      this.dropped += 1;
    }
  }

  get lines(): readonly string[] {
    return this.kept;
  }
}
