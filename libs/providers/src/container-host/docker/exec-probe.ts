// Runs a service's own healthcheck command inside its container, now, through the Engine's exec
// API: what Docker's healthcheck does, without waiting for its `interval` timer (Docker 20.10 has
// no `start_interval`). A probe never throws for the app's sake: slow, failing or stopped is an
// outcome the caller weighs against its whole readiness budget.

import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import {
  type HealthcheckSpec,
  type ProbeOptions,
  type ProbeResult,
} from '../container-host.port.js';
import { engineMessage, isConflict, isNotFound } from './docker-errors.js';

/** Docker keeps the last 4 KiB of each check's output; so do we. */
const OUTPUT_LIMIT = 4096;

/** The argv Docker would exec for a test, or null for `NONE`. Throws on a malformed test. */
export function probeCommand(test: HealthcheckSpec['test']): string[] | null {
  if (typeof test === 'string') return ['/bin/sh', '-c', test];
  const [kind, ...rest] = test;
  if (kind === 'NONE') return null;
  if (kind === 'CMD' && rest.length > 0) return rest;
  // Docker runs CMD-SHELL with the image's default shell, `/bin/sh -c` on Linux.
  if (kind === 'CMD-SHELL' && rest.length === 1) return ['/bin/sh', '-c', rest[0] as string];
  throw new Error(
    `healthcheck.test must be [CMD, program, args…], [CMD-SHELL, "command"] or [NONE], got ${JSON.stringify(test)}`,
  );
}

/**
 * Probes per container, with at most one exec in flight for each: a probe that outlived its
 * timeout is left to finish (the Engine cannot kill an exec), and until it does the next probe
 * of that container reports `timeout` instead of piling more processes on a loaded host.
 */
export class ExecProber {
  private readonly lingering = new Map<string, Docker.Exec>();

  constructor(private readonly docker: Docker) {}

  async probe(
    name: string,
    test: HealthcheckSpec['test'],
    { timeoutMs }: ProbeOptions,
  ): Promise<ProbeResult> {
    const cmd = probeCommand(test);
    if (!cmd) return { outcome: 'none', exitCode: null, output: '' };
    const previous = this.lingering.get(name);
    if (previous) {
      const info = await previous.inspect().catch(() => null);
      if (info?.Running) {
        return {
          outcome: 'timeout',
          exitCode: null,
          output: 'the previous probe is still running',
        };
      }
      this.lingering.delete(name);
    }
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await this.docker
        .getContainer(name)
        .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: false });
      stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    } catch (err) {
      // 409: not running / restarting / paused; 404: gone. Both mean "no answer from the app yet".
      if (isConflict(err) || isNotFound(err)) {
        return { outcome: 'not-running', exitCode: null, output: engineMessage(err) };
      }
      throw err;
    }
    const output = new TailBuffer(OUTPUT_LIMIT);
    this.docker.modem.demuxStream(stream, output.sink(), output.sink());
    const finished = await endOrTimeout(stream, timeoutMs);
    if (!finished) {
      stream.destroy();
      this.lingering.set(name, exec);
      return {
        outcome: 'timeout',
        exitCode: null,
        output: `${output.text()}\n(probe did not finish within ${timeoutMs} ms)`.trim(),
      };
    }
    const exitCode = await exitCodeOf(exec);
    if (exitCode === null) {
      // The stream ended but the Engine still shows the exec running: count it as slow.
      this.lingering.set(name, exec);
      return { outcome: 'timeout', exitCode: null, output: output.text() };
    }
    return { outcome: exitCode === 0 ? 'passed' : 'failed', exitCode, output: output.text() };
  }
}

function endOrTimeout(stream: Duplex, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

/** The exit code once the Engine has recorded it (it can trail the stream's end briefly). */
async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let i = 0; i < 20; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) {
      return info.ExitCode;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

/** Keeps the last `limit` bytes written to it. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  sink(): NodeJS.WritableStream {
    // demuxStream only calls write(); a full Writable would add nothing here.
    return {
      write: (chunk: Buffer) => {
        this.push(Buffer.from(chunk));
        return true;
      },
    } as unknown as NodeJS.WritableStream;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8').trim();
  }

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 1) {
      this.size -= (this.chunks.shift() as Buffer).length;
    }
    if (this.size > this.limit) {
      const only = this.chunks[0] as Buffer;
      this.chunks = [only.subarray(only.length - this.limit)];
      this.size = this.limit;
    }
  }
}
