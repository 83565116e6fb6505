// Shared pieces of the property tests (fast-check): how many cases each property tries, and input cut into
// chunks at random places.
import fc from "fast-check";

/**
 * Cases per property in `npm test`: enough to find the bugs planted while writing them (each was found
 * within a few dozen), few enough to keep the run short. `PROPERTY_RUNS` raises it for a longer search.
 */
export const PROPERTY_RUNS = Math.max(1, Number(process.env.PROPERTY_RUNS) || 300);

/** Where to cut an input into chunks: random places, or between every byte. */
export const cutPlaces = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.nat({ max: 400 }), { maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constant("every byte" as const) },
);

/** `bytes` cut at `places` (taken modulo its length), in order. */
export function cutAt(bytes: Uint8Array, places: number[] | "every byte"): Uint8Array[] {
  if (places === "every byte") return [...bytes].map((byte) => Uint8Array.of(byte));
  const at = [...new Set(places.map((p) => (bytes.length === 0 ? 0 : p % (bytes.length + 1))))].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const end of [...at, bytes.length]) {
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

/** UTF-8 bytes of text pieces and raw bytes joined. */
export function joinBytes(pieces: ReadonlyArray<string | Uint8Array>): Uint8Array {
  return Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
}

/**
 * The longest error the seed reader makes of a line: it quotes at most 60 characters of it (each at most 6
 * wide once escaped, as \u0000), however long the line, so an error never echoes a flood back.
 */
export const MAX_SEED_ERROR_DETAIL = 450;
