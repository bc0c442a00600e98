import { PassThrough, Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import type { ContainerLogLine, LogStreamOptions } from '../container-host.port.js';
import { isNotFound } from './docker-errors.js';

// A container's log as lines (decision 0030). Docker frames a non-TTY container's stdout and
// stderr into one stream; docker-modem's demuxStream (dockerode's own) splits them, never a
// hand parser. `timestamps: true` puts Docker's receive time before each line.

const TIMESTAMPED = /^(\d{4}-\d\d-\d\dT[0-9:.]+Z) ?(.*)$/s;

export async function streamLogs(
  docker: Docker,
  name: string,
  options: LogStreamOptions,
): Promise<void> {
  const { tail, follow, signal, onLine, onOpen } = options;
  const container = docker.getContainer(name);
  let tty: boolean;
  let source: NodeJS.ReadableStream;
  try {
    tty = (await container.inspect()).Config.Tty;
    const base = { stdout: true, stderr: true, timestamps: true, tail };
    source = follow
      ? await container.logs({ ...base, follow: true })
      : Readable.from([await container.logs({ ...base, follow: false })]);
  } catch (err) {
    if (isNotFound(err)) throw new Error(`No container named ${name} on this Docker host`);
    throw err;
  }
  if (signal.aborted) {
    destroy(source);
    return;
  }
  onOpen?.();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const done = Promise.all([
    readLines(stdout, 'stdout', onLine),
    tty ? Promise.resolve() : readLines(stderr, 'stderr', onLine),
  ]);
  if (tty) source.pipe(stdout);
  else docker.modem.demuxStream(source, stdout, stderr);
  const finish = () => {
    stdout.end();
    stderr.end();
  };
  source.on('end', finish);
  source.on('close', finish);
  source.on('error', finish);
  // The client left (or the bound passed): closing the HTTP stream stops Docker following.
  const abort = () => {
    destroy(source);
    finish();
  };
  signal.addEventListener('abort', abort, { once: true });
  try {
    await done;
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

function readLines(
  input: PassThrough,
  stream: ContainerLogLine['stream'],
  onLine: (line: ContainerLogLine) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input, crlfDelay: Infinity });
    lines.on('line', (raw: string) => {
      const match = TIMESTAMPED.exec(raw);
      onLine(
        match
          ? { stream, time: match[1]!, line: match[2] ?? '' }
          : { stream, time: new Date().toISOString(), line: raw },
      );
    });
    lines.on('close', resolve);
  });
}

function destroy(stream: NodeJS.ReadableStream): void {
  (stream as Partial<Readable>).destroy?.();
}
