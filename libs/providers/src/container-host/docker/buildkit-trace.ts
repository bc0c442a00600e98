// BuildKit's progress, as the engine streams it (`moby.buildkit.trace` aux: a base64 protobuf
// StatusResponse, moby/buildkit api/services/control), turned into plain lines like
// `docker build --progress=plain`: `#3 [2/2] RUN …`, the step's output, `#3 ERROR: …`.

import { type ProtoField, protoFields } from './buildkit-protobuf.js';

const STEP = /^\[[^\]]*\d+\/\d+\] /;

interface VertexState {
  number: number;
  name: string;
  announced: boolean;
  done: boolean;
}

export class BuildkitTraceDecoder {
  private readonly vertices = new Map<string, VertexState>();
  /** The last Dockerfile step (`[2/3] RUN …`) that started: the failing one on error. */
  step: string | null = null;

  /** The lines one trace message adds. Malformed messages yield nothing rather than throw. */
  decode(aux: string): string[] {
    const lines: string[] = [];
    try {
      for (const f of protoFields(Buffer.from(aux, 'base64'))) {
        if (f.wire !== 2) continue;
        if (f.field === 1) this.vertex(f.value, lines);
        else if (f.field === 3) this.log(f.value, lines);
      }
    } catch {
      return lines;
    }
    return lines;
  }

  private state(digest: string): VertexState {
    let state = this.vertices.get(digest);
    if (!state) {
      state = { number: this.vertices.size + 1, name: '', announced: false, done: false };
      this.vertices.set(digest, state);
    }
    return state;
  }

  private vertex(message: Buffer, lines: string[]): void {
    let digest = '';
    let name = '';
    let cached = false;
    let started = false;
    let completed = false;
    let error = '';
    for (const f of protoFields(message)) {
      if (f.field === 1) digest = text(f);
      else if (f.field === 3) name = text(f);
      else if (f.field === 4 && f.wire === 0) cached = f.value !== 0;
      else if (f.field === 5) started = true;
      else if (f.field === 6) completed = true;
      else if (f.field === 7) error = text(f);
    }
    const state = this.state(digest);
    if (name) state.name = name;
    if ((started || cached) && !state.announced) {
      state.announced = true;
      lines.push(`#${state.number} ${state.name}`);
      if (STEP.test(state.name)) this.step = state.name;
    }
    if (completed && !state.done) {
      state.done = true;
      if (error) lines.push(`#${state.number} ERROR: ${error}`);
      else if (cached) lines.push(`#${state.number} CACHED`);
    }
  }

  private log(message: Buffer, lines: string[]): void {
    let digest = '';
    let msg = '';
    for (const f of protoFields(message)) {
      if (f.field === 1) digest = text(f);
      else if (f.field === 4) msg = text(f);
    }
    const { number } = this.state(digest);
    for (const line of msg.split('\n')) {
      const clean = line.replace(/\r$/, '');
      if (clean.trim()) lines.push(`#${number} ${clean}`);
    }
  }
}

function text(f: ProtoField): string {
  return f.wire === 2 ? f.value.toString('utf8') : '';
}
