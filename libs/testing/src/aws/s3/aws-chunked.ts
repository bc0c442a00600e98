// Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>`),
// which the SDK sends for stream bodies with a trailing checksum. Chunk signatures and trailers
// are not verified, like the SigV4 signature itself.

export async function* decodeAwsChunked(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let remaining = -1; // bytes of chunk data still to pass on; -1 while reading a size line
  for await (const piece of source) {
    pending = pending.length ? Buffer.concat([pending, piece]) : piece;
    for (;;) {
      if (remaining < 0) {
        const eol = pending.indexOf('\r\n');
        if (eol < 0) break;
        const line = pending.subarray(0, eol).toString('latin1');
        pending = pending.subarray(eol + 2);
        if (line === '') continue; // the CRLF closing the previous chunk's data
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isFinite(size)) throw new Error(`bad aws-chunked size line: ${line}`);
        if (size === 0) return; // trailers follow; nothing more to store
        remaining = size;
      }
      if (pending.length === 0) break;
      const take = Math.min(remaining, pending.length);
      yield pending.subarray(0, take);
      pending = pending.subarray(take);
      remaining -= take;
      if (remaining === 0) remaining = -1;
      else break;
    }
  }
}
