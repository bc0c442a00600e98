// Docker multiplexes stdout/stderr of a non-TTY container into frames:
// [stream(1) 0 0 0 size(4, big-endian)] payload. Pure.

export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const kind = buf[offset];
    const size = buf.readUInt32BE(offset + 4);
    if (kind === undefined || kind > 2 || buf[offset + 1] !== 0 || buf[offset + 2] !== 0) {
      // Not framed (a TTY container): the bytes are the log itself.
      return buf.toString('utf8');
    }
    parts.push(buf.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
