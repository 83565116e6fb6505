// The AUTHENTICATE framing of IRCv3 SASL (sasl-3.1): a response is base64, sent as 400-byte chunks, the last
// one shorter than 400 bytes or followed by `AUTHENTICATE +`; an empty response is `+` alone, an abort `*`.
// Pure: no I/O, no mechanism.

/** Bytes of base64 in one AUTHENTICATE parameter. */
export const CHUNK_BYTES = 400;
/** The most base64 one response may total before it is refused (905): enough for any PLAIN or SCRAM message. */
export const MAX_RESPONSE_BYTES = 8192;

export type ChunkResult =
  /** More chunks to come. */
  | { kind: "more" }
  /** The whole response, decoded. */
  | { kind: "done"; data: Buffer }
  | { kind: "abort" }
  /** A chunk over 400 bytes, or a response over the limit (905). */
  | { kind: "too-long" }
  /** Not base64 (904). */
  | { kind: "invalid" };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Gathers one response from its chunks. */
export class ResponseReader {
  private parts: string[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_RESPONSE_BYTES) {}

  /** Take one AUTHENTICATE parameter. After "done", "abort", "too-long" or "invalid" it starts afresh. */
  take(chunk: string): ChunkResult {
    if (chunk === "*") return this.finish({ kind: "abort" });
    if (chunk.length > CHUNK_BYTES) return this.finish({ kind: "too-long" });
    if (chunk === "+") return this.decode();
    if (!BASE64.test(chunk)) return this.finish({ kind: "invalid" });
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return this.finish({ kind: "too-long" });
    this.parts.push(chunk);
    return chunk.length === CHUNK_BYTES ? { kind: "more" } : this.decode();
  }

  /** Whether part of a response has been read. */
  get pending(): boolean {
    return this.parts.length > 0;
  }

  reset(): void {
    this.parts = [];
    this.bytes = 0;
  }

  private decode(): ChunkResult {
    const text = this.parts.join("");
    // Padding only at the very end, and a length base64 can have.
    if (text.length % 4 !== 0 || !BASE64.test(text)) return this.finish({ kind: "invalid" });
    return this.finish({ kind: "done", data: Buffer.from(text, "base64") });
  }

  private finish(result: ChunkResult): ChunkResult {
    this.reset();
    return result;
  }
}

/** A server response as the parameters of its AUTHENTICATE lines: 400-byte chunks, `+` for empty or to end. */
export function responseChunks(data: Buffer | string): string[] {
  const text = Buffer.from(data).toString("base64");
  if (text === "") return ["+"];
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += CHUNK_BYTES) chunks.push(text.slice(at, at + CHUNK_BYTES));
  if ((chunks.at(-1) as string).length === CHUNK_BYTES) chunks.push("+");
  return chunks;
}

/** PLAIN (RFC 4616): authzid NUL authcid NUL passwd; null when it is not that shape. */
export function parsePlain(data: Buffer): { authzid: string; authcid: string; password: string } | null {
  const first = data.indexOf(0);
  if (first === -1) return null;
  const second = data.indexOf(0, first + 1);
  if (second === -1 || data.indexOf(0, second + 1) !== -1) return null;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    const authzid = decoder.decode(data.subarray(0, first));
    const authcid = decoder.decode(data.subarray(first + 1, second));
    const password = decoder.decode(data.subarray(second + 1));
    if (authcid === "" || password === "") return null;
    return { authzid, authcid, password };
  } catch {
    return null;
  }
}
