// SASL's pure parts: AUTHENTICATE chunking, PLAIN, and the SCRAM-SHA-256 server against RFC 7677's example.
import assert from "node:assert/strict";
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { describe, it } from "node:test";
import {
  CHUNK_BYTES,
  parsePlain,
  ResponseReader,
  responseChunks,
} from "../../src/protocol/sasl/authenticate.js";
import {
  makeScramCredentials,
  ScramServer,
  scramKeys,
  usableCredentials,
} from "../../src/protocol/sasl/scram.js";

describe("AUTHENTICATE chunks", () => {
  it("reads a short response in one chunk, an empty one as +", () => {
    const reader = new ResponseReader();
    assert.deepEqual(reader.take(Buffer.from("hello").toString("base64")), {
      kind: "done",
      data: Buffer.from("hello"),
    });
    assert.deepEqual(reader.take("+"), { kind: "done", data: Buffer.alloc(0) });
  });

  it("joins 400-byte chunks, ended by a shorter one or by +", () => {
    const data = Buffer.alloc(600, 7); // 800 base64 bytes: two full chunks, then +
    const chunks = responseChunks(data);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [CHUNK_BYTES, CHUNK_BYTES, 1],
    );
    assert.equal(chunks[2], "+");
    const reader = new ResponseReader();
    assert.deepEqual(reader.take(chunks[0] as string), { kind: "more" });
    assert.equal(reader.pending, true);
    assert.deepEqual(reader.take(chunks[1] as string), { kind: "more" });
    assert.deepEqual(reader.take("+"), { kind: "done", data });
    const odd = Buffer.alloc(450, 1);
    const parts = responseChunks(odd);
    assert.equal(parts.length, 2);
    reader.take(parts[0] as string);
    assert.deepEqual(reader.take(parts[1] as string), { kind: "done", data: odd });
    assert.deepEqual(responseChunks(Buffer.alloc(0)), ["+"]);
  });

  it("refuses a chunk over 400 bytes, a response over the limit, garbage; * aborts; each starts afresh", () => {
    const reader = new ResponseReader(1200);
    assert.deepEqual(reader.take("A".repeat(401)), { kind: "too-long" });
    const full = "A".repeat(CHUNK_BYTES);
    reader.take(full);
    reader.take(full);
    reader.take(full);
    assert.deepEqual(reader.take(full), { kind: "too-long" });
    assert.equal(reader.pending, false);
    assert.deepEqual(reader.take("not base64!"), { kind: "invalid" });
    assert.deepEqual(reader.take("abc"), { kind: "invalid" }); // not a multiple of 4
    assert.deepEqual(reader.take("ab=c"), { kind: "invalid" }); // padding inside
    reader.take(full);
    assert.deepEqual(reader.take("*"), { kind: "abort" });
    assert.equal(reader.pending, false);
  });

  it("reads PLAIN: authzid, authcid, password; refuses other shapes and invalid UTF-8", () => {
    assert.deepEqual(parsePlain(Buffer.from("\0alice\0sesame")), {
      authzid: "",
      authcid: "alice",
      password: "sesame",
    });
    assert.deepEqual(parsePlain(Buffer.from("alice\0alice\0pass word")), {
      authzid: "alice",
      authcid: "alice",
      password: "pass word",
    });
    assert.equal(parsePlain(Buffer.from("alice\0sesame")), null);
    assert.equal(parsePlain(Buffer.from("\0alice\0ses\0ame")), null);
    assert.equal(parsePlain(Buffer.from("\0\0sesame")), null);
    assert.equal(parsePlain(Buffer.from("\0alice\0")), null);
    assert.equal(parsePlain(Buffer.from([0, 0x61, 0, 0xff, 0xfe])), null);
  });
});

// RFC 7677 section 3: user "user", password "pencil".
const CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
const SERVER_FIRST = `r=rOprNGfwEbeRWgbNEkqO${SERVER_NONCE},s=${SALT},i=4096`;
const CLIENT_FINAL = `c=biws,r=rOprNGfwEbeRWgbNEkqO${SERVER_NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`;
const SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

describe("SCRAM-SHA-256 server", () => {
  it("makes the stored keys of RFC 7677's example and keeps no password", async () => {
    const credentials = await makeScramCredentials("pencil", Buffer.from(SALT, "base64"), 4096);
    assert.equal(credentials.salt, SALT);
    assert.equal(credentials.iterations, 4096);
    assert.ok(usableCredentials(credentials));
    assert.ok(!JSON.stringify(credentials).includes("pencil"));
    const salted = pbkdf2Sync("pencil", Buffer.from(SALT, "base64"), 4096, 32, "sha256");
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    assert.equal(credentials.storedKey, createHash("sha256").update(clientKey).digest("base64"));
    assert.equal(credentials.serverKey, scramKeys(salted).serverKey.toString("base64"));
  });

  it("runs RFC 7677's exchange byte for byte", async () => {
    const credentials = await makeScramCredentials("pencil", Buffer.from(SALT, "base64"), 4096);
    const server = new ScramServer(SERVER_NONCE);
    assert.deepEqual(server.clientFirst(CLIENT_FIRST), { ok: true, user: "user" });
    assert.equal(server.challenge(credentials), SERVER_FIRST);
    assert.deepEqual(server.clientFinal(CLIENT_FINAL), { ok: true, message: SERVER_FINAL });
  });

  it("refuses a wrong proof, a changed nonce or binding, and steps out of order", async () => {
    const credentials = await makeScramCredentials("pencil", Buffer.from(SALT, "base64"), 4096);
    const wrong = await makeScramCredentials("pencils", Buffer.from(SALT, "base64"), 4096);
    const server = new ScramServer(SERVER_NONCE);
    server.clientFirst(CLIENT_FIRST);
    server.challenge(wrong);
    assert.deepEqual(server.clientFinal(CLIENT_FINAL), {
      ok: false,
      reason: "invalid proof",
      error: "invalid-proof",
    });
    // Once failed, it is over.
    assert.equal(server.clientFinal(CLIENT_FINAL).ok, false);
    const nonce = new ScramServer(SERVER_NONCE);
    nonce.clientFirst(CLIENT_FIRST);
    nonce.challenge(credentials);
    assert.equal(nonce.clientFinal(CLIENT_FINAL.replace("r=rOpr", "r=xOpr")).ok, false);
    const binding = new ScramServer(SERVER_NONCE);
    binding.clientFirst(CLIENT_FIRST);
    binding.challenge(credentials);
    const step = binding.clientFinal(CLIENT_FINAL.replace("c=biws", "c=eSws"));
    assert.deepEqual(step.ok ? null : step.error, "channel-bindings-dont-match");
    const early = new ScramServer(SERVER_NONCE);
    assert.equal(early.clientFinal(CLIENT_FINAL).ok, false);
    // No such account: a challenge all the same, then failure.
    const none = new ScramServer(SERVER_NONCE);
    none.clientFirst(CLIENT_FIRST);
    assert.match(none.challenge(null), /^r=rOprNGfwEbeRWgbNEkqO.+,s=[A-Za-z0-9+/=]+,i=4096$/);
    assert.equal(none.clientFinal(CLIENT_FINAL).ok, false);
  });

  it("refuses malformed first messages, channel binding, other authzids and bad name encoding", () => {
    const bad = [
      "",
      "garbage",
      "n,,",
      "n,,r=abc,n=user",
      "x,,n=user,r=abc",
      "n,,n=,r=abc",
      "n,,n=us=er,r=abc",
      "n,,n=user,r=ab,c",
      "n,,m=ext,n=user,r=abc",
      "n,a=other,n=user,r=abc",
      "p=tls-unique,,n=user,r=abc",
    ];
    for (const text of bad) assert.equal(new ScramServer().clientFirst(text).ok, false, text);
    assert.deepEqual(new ScramServer().clientFirst("y,a=us=2Cer,n=us=2Cer,r=abc"), {
      ok: true,
      user: "us,er",
    });
  });
});
