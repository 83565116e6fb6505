// Read markers in the store, over SQLite, SQLite in memory and PostgreSQL: a row per account and target keeps
// the latest time whatever order they are written in; the keeper writes what moved through its write queue
// (on a shared store only what its node decided) and a store opened again gives the markers back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { ManualClock } from "../../src/rooms/core/clock.js";
import { ReadMarkers } from "../../src/rooms/core/read-markers.js";
import { ReadMarkerKeeper } from "../../src/rooms/read-markers-store.js";
import { openStore } from "../../src/store/index.js";
import { ReadMarkerRows } from "../../src/store/read-markers.js";
import { storeBackends, withFreshStore } from "../support/stores.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

const log = pino({ level: "silent" });

for (const backend of await storeBackends()) {
  describe(`read markers over ${backend.name}`, { timeout: SUITE_TIMEOUT_MS, skip: backend.skip }, () => {
    it("keep the latest time of each account and target, whatever order they are written in", async () => {
      await withFreshStore(backend, "read-marker-rows", async (store) => {
        const rows = new ReadMarkerRows(store.db);
        await rows.write([
          { account: "ann", target: "#a", time: 20 },
          { account: "ann", target: "#a", time: 10 },
          { account: "ann", target: "bob", time: 5 },
        ]);
        await rows.write([{ account: "ann", target: "#a", time: 15 }]);
        await rows.write([{ account: "cid", target: "#a", time: 1 }]);
        const sorted = (await rows.load()).sort((x, y) =>
          `${x.account}${x.target}`.localeCompare(`${y.account}${y.target}`),
        );
        assert.deepEqual(sorted, [
          { account: "ann", target: "#a", time: 20 },
          { account: "ann", target: "bob", time: 5 },
          { account: "cid", target: "#a", time: 1 },
        ]);
        await rows.write([{ account: "ann", target: "#a", time: 1_800_000_000_000 }]);
        assert.equal(
          (await rows.load()).find((row) => row.target === "#a" && row.account === "ann")?.time,
          1_800_000_000_000,
        );
      });
    });

    it("are written by the keeper as they move, only this node's on a shared store, and load again", async () => {
      const made = await backend.create("read-marker-keeper");
      try {
        const store = await openStore(made.config);
        const markers = new ReadMarkers();
        const keeper = new ReadMarkerKeeper(false, new ManualClock(), log).open(store);
        await markers.follow(keeper);
        markers.set("Ann", "#Room", 100, true);
        markers.set("ann", "#room", 50, true);
        markers.set("bob", "carl", 70, false);
        const shared = new ReadMarkerKeeper(true, new ManualClock(), log).open(store);
        shared.moved({ account: "dee", target: "#x", time: 9 }, false);
        await shared.flush();
        await keeper.flush();
        await keeper.close();
        await shared.close();
        if (backend.name === "memory") {
          // Nothing outlives a store in memory: read back before it closes.
          assert.equal((await new ReadMarkerRows(store.db).load()).length, 2);
          await store.close();
          return;
        }
        await store.close();
        const again = await openStore(made.config);
        try {
          const loaded = new ReadMarkers();
          await loaded.follow(new ReadMarkerKeeper(false, new ManualClock(), log).open(again));
          assert.equal(loaded.get("ANN", "#ROOM"), 100);
          assert.equal(loaded.get("bob", "carl"), 70);
          assert.equal(
            loaded.get("dee", "#x"),
            null,
            "another node's marker on a shared store is its to write",
          );
        } finally {
          await again.close();
        }
      } finally {
        await made.remove();
      }
    });
  });
}
