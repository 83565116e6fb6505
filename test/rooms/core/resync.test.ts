// A node taken for gone that is still there (its heartbeats came late on a loaded machine: Redis's node
// timeout is 3 s): the others dropped its users, so its next join named a user they did not know and was
// lost. Now the first operation heard from such a node makes the others ask for everyone's users again, and
// the join that came too early is applied with the rest.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { MemoryNetwork } from "../../../src/rooms/bus/memory.js";
import { Replicator } from "../../../src/rooms/bus/replicator.js";
import type { BusHandlers, BusTransport } from "../../../src/rooms/bus/transport.js";
import { RoomRegistry } from "../../../src/rooms/core/registry.js";
import { User } from "../../../src/rooms/core/user.js";
import { eventually } from "../../support/wait.js";
import { HearingFrontend, stateOf } from "./scenario.js";

const log = pino({ level: "silent" });

/** The in-memory bus, keeping the handlers it was given so the test can say a node is gone, as Redis does. */
class WatchedTransport implements BusTransport {
  handlers: BusHandlers | null = null;
  constructor(private readonly inner: BusTransport) {}
  get nodeId(): string {
    return this.inner.nodeId;
  }
  start(handlers: BusHandlers): Promise<number> {
    this.handlers = handlers;
    return this.inner.start(handlers);
  }
  publish(envelope: Parameters<BusTransport["publish"]>[0]): boolean {
    return this.inner.publish(envelope);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe("rooms bus: a node taken for gone that is still there", () => {
  it("is asked for its users again, and its join is not lost", async () => {
    const network = new MemoryNetwork();
    const registries = [new RoomRegistry(), new RoomRegistry()];
    const transports = registries.map(() => new WatchedTransport(network.transport()));
    const frontend = new HearingFrontend();
    const replicators = registries.map(
      (registry, n) => new Replicator(registry, transports[n] as BusTransport, log, () => {}),
    );
    try {
      for (const replicator of replicators) await replicator.start();
      const [a, b] = registries as [RoomRegistry, RoomRegistry];
      const alice = new User(a.userId(1), "irc", frontend, "alice", "host", Date.now());
      a.add(alice);
      a.join(alice, "#hall");
      const bob = new User(b.userId(1), "irc", frontend, "bob", "host", Date.now());
      b.add(bob);
      b.join(bob, "#hall");
      await eventually(() => b.findRoom("#hall")?.members.size === 2, "node B to see alice in #hall");
      // Node B takes node A for gone (late heartbeats): alice quits there.
      transports[1]?.handlers?.nodeGone(transports[0]?.nodeId as string);
      assert.equal(b.findUser("alice"), undefined);
      assert.equal(b.findRoom("#hall")?.members.size, 1);
      // Node A never knew: alice joins another room. B hears of it, asks, and gets alice back.
      a.join(alice, "#kitchen");
      await eventually(
        () => JSON.stringify(stateOf(a)) === JSON.stringify(stateOf(b)),
        "node B to know node A's users and rooms again",
      );
      assert.equal(b.findRoom("#kitchen")?.members.has(b.findUser("alice") as User), true);
      assert.equal(b.findRoom("#hall")?.members.size, 2);
    } finally {
      for (const replicator of replicators) await replicator.close();
    }
  });
});
