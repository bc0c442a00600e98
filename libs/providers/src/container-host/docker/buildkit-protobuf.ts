// Just enough protobuf for BuildKit's session and progress messages: varints, length-delimited
// fields and skipping the rest. Hand-written (decision 0037): four tiny messages did not justify
// a code generator or a runtime dependency.

export type ProtoField =
  | { field: number; wire: 0; value: number }
  | { field: number; wire: 2; value: Buffer }
  | { field: number; wire: 1 | 5; value: null };

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let pos = at; pos < buf.length; pos++) {
    const byte = buf[pos] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, pos + 1];
  }
  throw new Error('truncated protobuf varint');
}

/** The top-level fields of one message, in wire order (unknown wire types throw). */
export function* protoFields(buf: Buffer): Generator<ProtoField> {
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = readVarint(buf, pos);
    pos = next;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [value, after] = readVarint(buf, pos);
      pos = after;
      yield { field, wire, value };
    } else if (wire === 2) {
      const [length, start] = readVarint(buf, pos);
      pos = start + length;
      if (pos > buf.length) throw new Error('truncated protobuf field');
      yield { field, wire, value: buf.subarray(start, pos) };
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      yield { field, wire, value: null };
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let rest = n;
  while (rest > 0x7f) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** One length-delimited field (bytes, string or embedded message). */
export function bytesField(field: number, value: Buffer): Buffer {
  return Buffer.concat([varint(field * 8 + 2), varint(value.length), value]);
}

export function varintField(field: number, value: number): Buffer {
  return Buffer.concat([varint(field * 8), varint(value)]);
}
