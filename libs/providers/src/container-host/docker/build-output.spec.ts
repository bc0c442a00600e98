import { describe, expect, it } from 'vitest';
import { BuildOutputParser } from './build-output.js';

const json = (o: object) => `${JSON.stringify(o)}\r\n`;

describe('BuildOutputParser', () => {
  it('streams lines, splits JSON across chunks, and picks up the image id', () => {
    const lines: string[] = [];
    const p = new BuildOutputParser((l) => lines.push(l));
    const text =
      json({ stream: 'Step 1/2 : FROM x\n' }) +
      json({ stream: ' ---> abc\n' }) +
      json({ aux: { ID: 'sha256:f' } });
    p.push(text.slice(0, 10));
    p.push(text.slice(10));
    expect(p.end()).toMatchObject({ imageId: 'sha256:f', error: null, step: 'Step 1/2 : FROM x' });
    expect(lines).toEqual(['Step 1/2 : FROM x', ' ---> abc']);
  });

  it('reports the errorDetail message and the step that was running', () => {
    const p = new BuildOutputParser();
    p.push(json({ stream: 'Step 2/3 : RUN false\n' }));
    p.push(json({ stream: ' ---> Running in 1\n' }));
    p.push(
      json({
        errorDetail: {
          code: 1,
          message: "The command '/bin/sh -c false' returned a non-zero code: 1",
        },
        error: 'x',
      }),
    );
    const out = p.end();
    expect(out.step).toBe('Step 2/3 : RUN false');
    expect(out.error).toBe("The command '/bin/sh -c false' returned a non-zero code: 1");
    expect(out.lastLines.at(-1)).toMatch(/^ERROR: /);
  });
});
