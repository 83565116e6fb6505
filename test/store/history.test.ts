// The history's queries over SQLite, memory and PostgreSQL, the same suite for each: what each reading
// returns, exactly, around moments and msgids, ties within one millisecond, unknown msgids, duplicates, and
// retention by age and per room.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  conversationPartner,
  conversationTarget,
  History,
  type StoredMessage,
} from "../../src/store/history.js";
import { openStore, type Store } from "../../src/store/index.js";
import { storeBackends, type TestStore, withFreshStore } from "../support/stores.js";

/** Ten messages in #a, one a second from t=1000 (two share t=5000), and a few in #b. */
function message(n: number, target = "#a", time = 1000 * n): StoredMessage {
  return {
    msgid: `${target}-m${n}`,
    target,
    kind: n % 4 === 0 ? "notice" : "privmsg",
    time,
    sender: `u${n}!u${n}@host`,
    account: null,
    text: `text ${n}`,
    tags: n === 3 ? { "+draft/reply": "x" } : null,
    recipient: null,
    parties: null,
  };
}

/** A private message between two accounts (folded), from the first. */
function direct(n: number, from: string, to: string, time: number): StoredMessage {
  const parties = [from, to].sort() as [string, string];
  return {
    ...message(n, conversationTarget(from, to), time),
    sender: `${from}!${from}@host`,
    account: from,
    recipient: to,
    parties,
  };
}
const A = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => (n === 6 ? message(6, "#a", 5000) : message(n)));
const B = [1, 2].map((n) => message(n, "#b", 20_000 + n));
const ids = (rows: StoredMessage[]) => rows.map((row) => row.msgid.replace("#a-", ""));

for (const backend of await storeBackends()) {
  describe(`history over ${backend.name}`, { skip: backend.skip }, () => {
    let made: TestStore;
    let store: Store;
    let history: History;
    before(async () => {
      made = await backend.create("history");
      store = await openStore(made.config);
      // SQLite's prepared statement where there is one, Kysely's query otherwise.
      history = new History(store.db, store.sqlite);
      // In two batches, #b between: the order is (time, insertion), m5 before m6 in their millisecond.
      await history.append(A.slice(0, 5));
      await history.append([...B, ...A.slice(5)]);
    });
    after(async () => {
      await store?.close();
      await made?.remove();
    });

    it("keeps every field as written, a second write of a msgid changes nothing", async () => {
      await history.append([{ ...message(3), text: "changed" }]);
      const [third] = await history.around("#a", { msgid: "#a-m3" }, 1);
      assert.deepEqual(third, message(3));
      assert.equal(await history.count("#a"), 10);
    });

    it("LATEST: the newest, oldest first, and only those after a ref", async () => {
      assert.deepEqual(ids(await history.latest("#a", null, 3)), ["m8", "m9", "m10"]);
      assert.deepEqual(ids(await history.latest("#a", { msgid: "#a-m8" }, 5)), ["m9", "m10"]);
      assert.deepEqual(ids(await history.latest("#a", { time: 8000 }, 5)), ["m9", "m10"]);
      assert.deepEqual(ids(await history.latest("#a", null, 100)).length, 10);
      assert.deepEqual(await history.latest("#nowhere", null, 10), []);
    });

    it("BEFORE and AFTER exclude the ref; a moment excludes its whole millisecond", async () => {
      // m5 and m6 share t=5000; m5 was written first.
      assert.deepEqual(ids(await history.before("#a", { msgid: "#a-m6" }, 3)), ["m3", "m4", "m5"]);
      assert.deepEqual(ids(await history.before("#a", { time: 5000 }, 3)), ["m2", "m3", "m4"]);
      assert.deepEqual(ids(await history.after("#a", { msgid: "#a-m5" }, 2)), ["m6", "m7"]);
      assert.deepEqual(ids(await history.after("#a", { time: 5000 }, 2)), ["m7", "m8"]);
      assert.deepEqual(await history.before("#a", { time: 1000 }, 5), []);
      assert.deepEqual(await history.after("#a", { msgid: "#a-m10" }, 5), []);
    });

    it("AROUND: half before, the rest from the ref on", async () => {
      assert.deepEqual(ids(await history.around("#a", { msgid: "#a-m4" }, 4)), ["m2", "m3", "m4", "m5"]);
      assert.deepEqual(ids(await history.around("#a", { time: 5000 }, 3)), ["m4", "m5", "m6"]);
      assert.deepEqual(ids(await history.around("#a", { msgid: "#a-m1" }, 4)), ["m1", "m2", "m3", "m4"]);
    });

    it("BETWEEN: strictly between, nearest the first ref, either way round", async () => {
      assert.deepEqual(ids(await history.between("#a", { msgid: "#a-m2" }, { msgid: "#a-m9" }, 3)), [
        "m3",
        "m4",
        "m5",
      ]);
      assert.deepEqual(ids(await history.between("#a", { msgid: "#a-m9" }, { msgid: "#a-m2" }, 3)), [
        "m6",
        "m7",
        "m8",
      ]);
      assert.deepEqual(ids(await history.between("#a", { time: 2000 }, { time: 4000 }, 10)), ["m3"]);
      assert.deepEqual(await history.between("#a", { time: 4000 }, { time: 4000 }, 10), []);
    });

    it("an unknown msgid, or one of another room, finds nothing", async () => {
      assert.deepEqual(await history.before("#a", { msgid: "nope" }, 5), []);
      assert.deepEqual(await history.after("#b", { msgid: "#a-m1" }, 5), []);
      assert.deepEqual(await history.latest("#a", { msgid: "nope" }, 5), []);
      assert.deepEqual(await history.between("#a", { msgid: "#a-m1" }, { msgid: "nope" }, 5), []);
    });

    it("TARGETS: rooms with messages between two moments, the least recent first", async () => {
      assert.deepEqual(await history.targets(["#a", "#b", "#c"], 0, 30_000, 10), [
        { target: "#a", time: 10_000 },
        { target: "#b", time: 20_002 },
      ]);
      assert.deepEqual(await history.targets(["#a", "#b"], 30_000, 0, 1), [{ target: "#a", time: 10_000 }]);
      assert.deepEqual(await history.targets(["#a", "#b"], 10_500, 30_000, 10), [
        { target: "#b", time: 20_002 },
      ]);
      assert.deepEqual(await history.targets(["#b"], 0, 20_002, 10), [{ target: "#b", time: 20_001 }]);
      assert.deepEqual(await history.targets([], 0, 30_000, 10), []);
    });

    it("a conversation between two accounts: under both, read as a room is, listed by TARGETS for either", async () => {
      const said = [
        direct(1, "ann", "bo", 40_001),
        direct(2, "bo", "ann", 40_002),
        direct(3, "cy", "ann", 40_003),
      ];
      await history.append(said);
      assert.equal(conversationTarget("bo", "ann"), "ann bo");
      assert.deepEqual(await history.latest("ann bo", null, 10), said.slice(0, 2));
      assert.deepEqual(await history.latest("ann cy", null, 10), said.slice(2));
      assert.deepEqual(await history.targets(["#a"], 0, 50_000, 10, "ann"), [
        { target: "#a", time: 10_000 },
        { target: "ann bo", time: 40_002 },
        { target: "ann cy", time: 40_003 },
      ]);
      assert.deepEqual(await history.targets([], 0, 50_000, 10, "bo"), [{ target: "ann bo", time: 40_002 }]);
      assert.deepEqual(await history.targets([], 0, 50_000, 10, "dee"), []);
      assert.equal(conversationPartner("ann bo", "ann"), "bo");
      assert.equal(conversationPartner("ann bo", "bo"), "ann");
      assert.equal(conversationPartner("#a", "ann"), null);
    });

    it("retention: older than a moment everywhere, and each room's excess over its cap", async () => {
      await withFreshStore(backend, "prune", async (store2) => {
        const h = new History(store2.db, store2.sqlite);
        await h.append([...A, ...B]);
        assert.equal(await h.prune(3000, 100, []), 2);
        assert.deepEqual(ids(await h.latest("#a", null, 100)), [
          "m3",
          "m4",
          "m5",
          "m6",
          "m7",
          "m8",
          "m9",
          "m10",
        ]);
        assert.equal(await h.prune(null, 3, ["#a"]), 5);
        assert.deepEqual(ids(await h.latest("#a", null, 100)), ["m8", "m9", "m10"]);
        assert.equal(await h.count("#b"), 2);
        assert.equal(await h.prune(null, 3, ["#a", "#b"]), 0);
      });
    });

    it("writes many rows in one call (more than one INSERT's worth)", async () => {
      await withFreshStore(backend, "bulk", async (store2) => {
        const h = new History(store2.db, store2.sqlite);
        const many = Array.from({ length: 1234 }, (_, i) => message(i + 1, "#bulk", 1_000_000 + i));
        await h.append(many);
        assert.equal(await h.count("#bulk"), 1234);
        assert.deepEqual(
          (await h.latest("#bulk", null, 2)).map((m) => m.msgid),
          ["#bulk-m1233", "#bulk-m1234"],
        );
      });
    });
  });
}
