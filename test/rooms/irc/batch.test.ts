// Held output without sockets: batches nested in batches and in a labeled response, written as the batch
// and labeled-response specifications say.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeLine } from "../../../src/protocol/irc/message.js";
import { batchRef, HeldOutput } from "../../../src/rooms/irc/batch.js";
import { renameRefs } from "./fixture.js";

const lines = (text: string) => text.split("\r\n").slice(0, -1);

describe("held output", () => {
  it("nests a batch in a batch in a labeled response, each line tagged with its innermost batch", () => {
    const root = new HeldOutput(null, "L1");
    root.items.push(encodeLine(":s NOTICE a :first"));
    const outer = root.open("s", "example.com/outer", []);
    outer.items.push(encodeLine(":n!u@h PRIVMSG #c :one", "time=x"));
    const inner = outer.open("s", "example.com/inner", ["#c", "p"]);
    inner.items.push(encodeLine(":n!u@h PRIVMSG #c :two"));
    inner.close();
    outer.items.push(encodeLine(":n!u@h PRIVMSG #c :three"));
    outer.close();
    assert.deepEqual(renameRefs(lines(root.text("s"))), [
      "@label=L1 :s BATCH +R1 labeled-response",
      "@batch=R1 :s NOTICE a :first",
      "@batch=R1 :s BATCH +R2 example.com/outer",
      "@batch=R2;time=x :n!u@h PRIVMSG #c :one",
      "@batch=R2 :s BATCH +R3 example.com/inner #c p",
      "@batch=R3 :n!u@h PRIVMSG #c :two",
      "@batch=R2 :s BATCH -R3",
      "@batch=R2 :n!u@h PRIVMSG #c :three",
      "@batch=R1 :s BATCH -R2",
      ":s BATCH -R1",
    ]);
  });

  it("labels a response that is one batch on that batch's start, and ACKs an empty one", () => {
    const root = new HeldOutput(null, "a;b c");
    const only = root.open("s", "chathistory", ["#c"]);
    only.items.push(encodeLine(":n!u@h PRIVMSG #c :old"));
    only.close();
    assert.deepEqual(renameRefs(lines(root.text("s"))), [
      "@label=a\\:b\\sc :s BATCH +R1 chathistory #c",
      "@batch=R1 :n!u@h PRIVMSG #c :old",
      ":s BATCH -R1",
    ]);
    assert.deepEqual(lines(new HeldOutput(null, "e").text("s")), ["@label=e :s ACK"]);
    const empty = new HeldOutput(null, null);
    empty.open("s", "chathistory", ["#c"]).close();
    assert.deepEqual(renameRefs(lines(empty.text("s"))), [":s BATCH +R1 chathistory #c", ":s BATCH -R1"]);
  });

  it("gives batch references of letters and digits, never the same twice", () => {
    const refs = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const ref = batchRef();
      assert.match(ref, /^[A-Za-z0-9]+$/);
      refs.add(ref);
    }
    assert.equal(refs.size, 1000);
  });
});
