// Progress for long actions (a redeploy until ready, a destroy until gone): a spinner on stderr,
// only when stderr is a terminal, so scripts and `--json` consumers see nothing but the answer.

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Where progress may draw: a TTY stream. Absent (tests, pipes) means no progress at all. */
export interface ProgressStream {
  isTTY?: boolean;
  write(chunk: string): boolean;
}

export interface Progress {
  /** The line now shown, e.g. `acme/shop#12: building (generation 3)`. */
  update(text: string): void;
  /** Clear the line (the caller prints the outcome). */
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

export function progress(stream: ProgressStream | undefined): Progress {
  if (!stream?.isTTY) return SILENT;
  let text = '';
  let frame = 0;
  const draw = () => {
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    update(next) {
      text = next;
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
