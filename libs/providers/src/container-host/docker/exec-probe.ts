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

/** A probe that outlived its timeout, still running: its result, when it comes, still counts. */
interface Lingering {
  exec: Docker.Exec;
  /** The container it runs in: a replaced container of the same name is a different app. */
  containerId: string;
  output: TailBuffer;
  ended: Promise<void>;
}

/**
 * Probes per container, with at most one exec in flight for each. A probe that outlives its
 * timeout is left to finish (the Engine cannot kill an exec); the next probe of that container
 * waits for it instead of piling more processes on a loaded host, and reports its late result:
 * under CPU contention a check that passes slowly has still passed.
 */
export class ExecProber {
  private readonly lingering = new Map<string, Lingering>();

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
      const late = await this.settle(name, previous, timeoutMs);
      if (late) return late;
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
    const ended = streamEnded(stream);
    if (!(await within(ended, timeoutMs))) {
      const info = await exec.inspect().catch(() => null);
      this.lingering.set(name, { exec, containerId: info?.ContainerID ?? '', output, ended });
      return {
        outcome: 'timeout',
        exitCode: null,
        output: `${output.text()}\n(probe did not finish within ${timeoutMs} ms)`.trim(),
      };
    }
    return resultOf(exec, output);
  }

  /** The late result of a lingering probe, `timeout` while it still runs, or null when moot. */
  private async settle(
    name: string,
    previous: Lingering,
    timeoutMs: number,
  ): Promise<ProbeResult | null> {
    const container = await this.docker
      .getContainer(name)
      .inspect()
      .catch(() => null);
    if (!container || container.Id !== previous.containerId) {
      this.lingering.delete(name);
      return null;
    }
    if (!(await within(previous.ended, timeoutMs))) {
      return {
        outcome: 'timeout',
        exitCode: null,
        output: `the previous probe is still running after another ${timeoutMs} ms`,
      };
    }
    this.lingering.delete(name);
    const result = await resultOf(previous.exec, previous.output);
    return { ...result, output: `${result.output}\n(finished after its timeout)`.trim() };
  }
}

async function resultOf(exec: Docker.Exec, output: TailBuffer): Promise<ProbeResult> {
  const exitCode = await exitCodeOf(exec);
  // The stream ended but the Engine has no exit code yet: count it as slow, not as failed.
  if (exitCode === null) return { outcome: 'timeout', exitCode: null, output: output.text() };
  return { outcome: exitCode === 0 ? 'passed' : 'failed', exitCode, output: output.text() };
}

function streamEnded(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

/** True when `done` settles within `ms`. */
async function within(done: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([done.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
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
