import { describe, expect, it } from 'vitest';
import { demuxLogs } from './log-frames.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxLogs', () => {
  it('joins stdout and stderr frames in order', () => {
    expect(demuxLogs(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more')]))).toBe(
      'out\nerr\nmore',
    );
  });

  it('passes raw (TTY) output through', () => {
    expect(demuxLogs(Buffer.from('plain text log\n'))).toBe('plain text log\n');
  });
});
