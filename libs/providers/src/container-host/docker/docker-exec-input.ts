// Runs a command inside a running container with a stream on its stdin (a database dump into
// the database's own client): the Engine's exec API over a hijacked connection, whose write side
// is half-closed at the end of the input so the command sees EOF.

import type { Duplex, Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecInput, ExecResult } from '../container-host.port.js';
import { engineMessage, isConflict, isNotFound } from './docker-errors.js';

/** The last output kept: enough for a client's error and what led to it. */
const OUTPUT_LIMIT = 8192;

export async function execWithInput(
  docker: Docker,
  name: string,
  spec: ExecInput,
): Promise<ExecResult> {
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await docker.getContainer(name).exec({
      Cmd: [...spec.cmd],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
  } catch (err) {
    if (isConflict(err) || isNotFound(err)) {
      throw new Error(`${name} is not running: ${engineMessage(err)}`);
    }
    throw err;
  }
  const tail: Buffer[] = [];
  let size = 0;
  const sink = {
    write: (chunk: Buffer) => {
      tail.push(Buffer.from(chunk));
      size += chunk.length;
      while (size > OUTPUT_LIMIT && tail.length > 1) size -= (tail.shift() as Buffer).length;
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink, sink);

  const ended = new Promise<void>((resolve) => {
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
  });
  const fed = feed(spec.input, stream);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    Promise.all([ended, fed]).then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), spec.timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const output = Buffer.concat(tail).toString('utf8').slice(-OUTPUT_LIMIT).trim();
  if (timedOut) {
    // The Engine cannot kill an exec: closing the connection makes the client see EOF/EPIPE.
    stream.destroy();
    return { exitCode: null, output, timedOut: true };
  }
  const inputError = await fed;
  return { exitCode: await exitCodeOf(exec), output, timedOut: false, ...inputError };
}

/**
 * Pipes the input into the exec, then half-closes the connection (the command's EOF). Reading the
 * input can fail (a missing or unreadable file): that ends the input early and is reported, so
 * the command's own failure is not the only clue.
 */
function feed(input: Readable, stream: Duplex): Promise<{ inputError?: string }> {
  return new Promise((resolve) => {
    let failed: string | undefined;
    input.once('error', (error) => {
      failed = error.message;
      stream.end();
    });
    stream.once('error', () => resolve(failed ? { inputError: failed } : {}));
    input.once('end', () => stream.end());
    stream.once('finish', () => resolve(failed ? { inputError: failed } : {}));
    input.pipe(stream, { end: false });
  });
}

/** The exit code once the Engine has recorded it (it can trail the stream's end briefly). */
async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let i = 0; i < 40; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) {
      return info.ExitCode;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}
