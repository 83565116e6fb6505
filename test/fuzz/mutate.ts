// A seeded mutator: the same seed gives the same inputs, so a run that found something can be run again.
// Jazzer.js would guide its mutations by coverage, but its native part (4.0.0) needs a newer glibc than
// Debian 12 has, and its older releases download their binaries at install: this stands in for it.

/** xorshift32: small, fast and seedable; quality is not the point here. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state % Math.max(1, n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

/** Bytes that matter to the parsers, inserted more often than chance would. */
const SPECIAL = [
  0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x3b, 0x40, 0x3d, 0x5c, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff,
];

/**
 * `input` changed by one to four mutations: a bit flipped, a byte set, bytes inserted or deleted, a run
 * repeated, a word of the target's dictionary put in, a piece of another corpus entry spliced in.
 */
export function mutate(
  input: Uint8Array,
  random: Random,
  dictionary: readonly Uint8Array[],
  corpus: readonly Uint8Array[],
  maxLength: number,
): Uint8Array {
  let bytes = Buffer.from(input);
  const count = 1 + random.below(4);
  for (let i = 0; i < count; i++) {
    const at = random.below(bytes.length + 1);
    switch (random.below(8)) {
      case 0:
        if (bytes.length > 0)
          bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ (1 << random.below(8));
        break;
      case 1:
        if (bytes.length > 0) bytes[at % bytes.length] = random.pick(SPECIAL);
        break;
      case 2: {
        const run = Buffer.alloc(1 + random.below(4));
        for (let j = 0; j < run.length; j++)
          run[j] = random.below(2) ? random.pick(SPECIAL) : random.below(256);
        bytes = Buffer.concat([bytes.subarray(0, at), run, bytes.subarray(at)]);
        break;
      }
      case 3: {
        const end = Math.min(bytes.length, at + 1 + random.below(16));
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(end)]);
        break;
      }
      case 4: {
        // A run repeated: long lines, deep nesting, many parameters.
        const end = Math.min(bytes.length, at + 1 + random.below(8));
        const run = bytes.subarray(at, end);
        const times = 1 + random.below(random.below(2) ? 8 : 200);
        bytes = Buffer.concat([
          bytes.subarray(0, end),
          ...Array.from({ length: times }, () => run),
          bytes.subarray(end),
        ]);
        break;
      }
      case 5:
      case 6:
        if (dictionary.length > 0)
          bytes = Buffer.concat([bytes.subarray(0, at), random.pick(dictionary), bytes.subarray(at)]);
        break;
      default: {
        const other = corpus.length > 0 ? random.pick(corpus) : new Uint8Array();
        const from = random.below(other.length + 1);
        const piece = other.subarray(from, from + random.below(other.length - from + 1));
        bytes = Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
      }
    }
    if (bytes.length > maxLength) bytes = bytes.subarray(0, maxLength);
  }
  return bytes;
}
