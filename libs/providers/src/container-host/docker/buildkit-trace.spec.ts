import { describe, expect, it } from 'vitest';
import { bytesField, protoFields, varintField } from './buildkit-protobuf.js';
import { BuildkitTraceDecoder } from './buildkit-trace.js';
import { BuildOutputParser } from './build-output.js';

/** A StatusResponse as BuildKit encodes it (moby/buildkit api/services/control). */
function status(parts: {
  vertexes?: {
    digest: string;
    name?: string;
    cached?: boolean;
    started?: boolean;
    completed?: boolean;
    error?: string;
  }[];
  logs?: { vertex: string; msg: string }[];
}): string {
  const timestamp = varintField(1, 1_764_900_000);
  const fields = [
    ...(parts.vertexes ?? []).map((v) =>
      bytesField(
        1,
        Buffer.concat([
          bytesField(1, Buffer.from(v.digest)),
          ...(v.name ? [bytesField(3, Buffer.from(v.name))] : []),
          ...(v.cached ? [varintField(4, 1)] : []),
          ...(v.started ? [bytesField(5, timestamp)] : []),
          ...(v.completed ? [bytesField(6, timestamp)] : []),
          ...(v.error ? [bytesField(7, Buffer.from(v.error))] : []),
        ]),
      ),
    ),
    ...(parts.logs ?? []).map((l) =>
      bytesField(
        3,
        Buffer.concat([
          bytesField(1, Buffer.from(l.vertex)),
          bytesField(2, timestamp),
          varintField(3, 1),
          bytesField(4, Buffer.from(l.msg)),
        ]),
      ),
    ),
  ];
  return Buffer.concat(fields).toString('base64');
}

describe('protoFields', () => {
  it('reads back what bytesField and varintField write, multi-byte varints included', () => {
    const long = Buffer.alloc(300, 'x');
    const fields = [...protoFields(Buffer.concat([varintField(2, 70_000), bytesField(9, long)]))];
    expect(fields).toEqual([
      { field: 2, wire: 0, value: 70_000 },
      { field: 9, wire: 2, value: long },
    ]);
  });

  it('throws on a truncated message', () => {
    expect(() => [...protoFields(bytesField(1, Buffer.from('abc')).subarray(0, 3))]).toThrow(
      /truncated/,
    );
  });
});

describe('BuildkitTraceDecoder', () => {
  it('decodes a trace message captured from dockerd 20.10', () => {
    const decoder = new BuildkitTraceDecoder();
    const lines = decoder.decode(
      'CooBCkdzaGEyNTY6NDgxMzg0MTNjN2Y3NWFiMTQ2NDViNGI5YTg3ZTU5YjFkZmFiODUwNGJjYTRjYTNiZjdmODIzYmZiNDcwYzMzNxoyWzEvMl0gRlJPTSBkb2NrZXIuaW8vYmVydGgtZml4dHVyZS9kZWJpYW46Ym9va3dvcm0qCwjCts3YBhDT7JRk',
    );
    expect(lines).toEqual(['#1 [1/2] FROM docker.io/berth-fixture/debian:bookworm']);
    expect(decoder.step).toBe('[1/2] FROM docker.io/berth-fixture/debian:bookworm');
  });

  it('announces a vertex once, prints its output, then its error or CACHED', () => {
    const decoder = new BuildkitTraceDecoder();
    const run = { digest: 'sha256:b', name: '[2/2] RUN make' };
    expect(
      decoder.decode(
        status({ vertexes: [{ digest: 'sha256:a', name: 'load', cached: true, completed: true }] }),
      ),
    ).toEqual(['#1 load', '#1 CACHED']);
    expect(decoder.decode(status({ vertexes: [{ ...run, started: true }] }))).toEqual([
      '#2 [2/2] RUN make',
    ]);
    expect(decoder.decode(status({ vertexes: [{ ...run, started: true }] }))).toEqual([]);
    expect(
      decoder.decode(status({ logs: [{ vertex: 'sha256:b', msg: 'compiling\r\n\nlinking\n' }] })),
    ).toEqual(['#2 compiling', '#2 linking']);
    expect(
      decoder.decode(
        status({ vertexes: [{ ...run, started: true, completed: true, error: 'exit code: 2' }] }),
      ),
    ).toEqual(['#2 ERROR: exit code: 2']);
    expect(decoder.step).toBe('[2/2] RUN make');
  });

  it('yields nothing for a malformed message', () => {
    expect(new BuildkitTraceDecoder().decode('////')).toEqual([]);
  });
});

describe('BuildOutputParser with BuildKit', () => {
  it('turns trace messages into lines and the failing step, and keeps the error', () => {
    const lines: string[] = [];
    const parser = new BuildOutputParser((l) => lines.push(l));
    const trace = status({
      vertexes: [{ digest: 'd', name: '[2/2] RUN --mount=type=secret,id=x make', started: true }],
    });
    parser.push(`${JSON.stringify({ id: 'moby.buildkit.trace', aux: trace })}\n`);
    parser.push(
      `${JSON.stringify({ errorDetail: { message: 'secret x not found' }, error: 'x' })}\n`,
    );
    const outcome = parser.end();
    expect(lines).toEqual([
      '#1 [2/2] RUN --mount=type=secret,id=x make',
      'ERROR: secret x not found',
    ]);
    expect(outcome).toMatchObject({
      error: 'secret x not found',
      step: '[2/2] RUN --mount=type=secret,id=x make',
      imageId: null,
    });
  });

  it('reads the image id BuildKit reports', () => {
    const parser = new BuildOutputParser();
    parser.push(`${JSON.stringify({ id: 'moby.image.id', aux: { ID: 'sha256:abc' } })}\n`);
    expect(parser.end().imageId).toBe('sha256:abc');
  });
});
