/**
 * Compose byte sizes (`512m`, `1g`, `1.5gb`, `2048k`, `1024` = bytes), as bytes. Units are
 * binary like Docker's (`m` = MiB). Fractions are allowed and rounded down to whole bytes.
 */
const UNIT: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

export function parseByteSize(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0) {
      throw new Error(`size ${input} must be a non-negative whole number of bytes`);
    }
    return input;
  }
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?b?)$/.exec(input.trim().toLowerCase());
  if (!match) {
    throw new Error(`size \`${input}\` is not valid: write e.g. \`512m\` or \`1g\``);
  }
  const bytes = Math.floor(Number(match[1]) * (UNIT[match[2] as string] as number));
  if (!Number.isSafeInteger(bytes)) throw new Error(`size \`${input}\` is too large`);
  return bytes;
}
