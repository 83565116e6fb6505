// Server bans without sockets: durations and masks as operators write them, matching users and addresses,
// expiry by the time given, the latest change to a mask winning in any order, and a store that keeps them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Stamp } from "../../../src/rooms/core/operations.js";
import {
  formatDuration,
  looksLikeDuration,
  parseDlineMask,
  parseDuration,
  parseKlineMask,
  ServerBanList,
  type ServerBanStore,
  type StampedBan,
} from "../../../src/rooms/core/server-bans.js";

const stamp = (time: number, id = String(time)): Stamp => ({ time, origin: "node", id });

function kline(mask: string, at: number, expiresAt: number | null = null): StampedBan {
  return { kind: "kline", mask, reason: "r", setBy: "op", setAt: at, expiresAt, stamp: stamp(at) };
}

function dline(mask: string, at: number, expiresAt: number | null = null): StampedBan {
  return { kind: "dline", mask, reason: "r", setBy: "op", setAt: at, expiresAt, stamp: stamp(at) };
}

describe("ban durations", () => {
  it("read plain numbers as minutes, units as InspIRCd writes them, and 0 as permanent", () => {
    assert.equal(parseDuration("10"), 600_000);
    assert.equal(parseDuration("0"), null);
    assert.equal(parseDuration("0h"), null);
    assert.equal(parseDuration("1h30m"), 5_400_000);
    assert.equal(parseDuration("2D"), 172_800_000);
    assert.equal(parseDuration("45s"), 45_000);
    assert.equal(parseDuration("1w1y"), 7 * 86_400_000 + 365 * 86_400_000);
    for (const bad of ["", "10x", "-5", "1.5", "h", "1h 2m", "5256001", "11y", "99999999999999999999"])
      assert.equal(parseDuration(bad), undefined, bad);
  });

  it("tell a duration from a mask, and write durations short", () => {
    for (const word of ["10", "1h30m", "10x", "0"]) assert.ok(looksLikeDuration(word), word);
    for (const word of ["1.2.3.4", "2001:db8::1", "10.0.0.0/8", "a@b", "nick", "*@host"])
      assert.ok(!looksLikeDuration(word), word);
    assert.equal(formatDuration(600_000), "10m");
    assert.equal(formatDuration(90_061_000), "1d1h1m1s");
    assert.equal(formatDuration(0), "0s");
  });
});

describe("ban masks", () => {
  it("take user@host with globs, and refuse what is not one or bans everyone", () => {
    assert.deepEqual(parseKlineMask("*@1.2.3.4"), { mask: "*@1.2.3.4" });
    assert.deepEqual(parseKlineMask("bad@*"), { mask: "bad@*" });
    assert.deepEqual(parseKlineMask("~x?@*.example.org"), { mask: "~x?@*.example.org" });
    for (const bad of ["nouser", "@host", "user@", "a@b@c", "a b@c", "a@b,c", "n!u@h", "u@h/24", "u@\x01"])
      assert.match((parseKlineMask(bad) as { error: string }).error, /^bad mask/, bad);
    for (const broad of ["*@*", "?@*.*", "*@*:*"])
      assert.match((parseKlineMask(broad) as { error: string }).error, /too broad/, broad);
    assert.match((parseKlineMask(`u@${"h".repeat(200)}`) as { error: string }).error, /too long/);
  });

  it("take addresses and CIDR blocks, written canonically, no broader than /8 or /16", () => {
    assert.deepEqual(parseDlineMask("1.2.3.4"), { mask: "1.2.3.4" });
    assert.deepEqual(parseDlineMask("1.2.3.4/32"), { mask: "1.2.3.4" });
    assert.deepEqual(parseDlineMask("1.2.3.4/24"), { mask: "1.2.3.0/24" });
    assert.deepEqual(parseDlineMask("::ffff:1.2.3.4"), { mask: "1.2.3.4" });
    assert.deepEqual(parseDlineMask("2001:DB8:0:0:0:0:0:1"), { mask: "2001:db8::1" });
    assert.deepEqual(parseDlineMask("2001:db8:ffff::1/32"), { mask: "2001:db8::/32" });
    for (const bad of ["300.1.1.1", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/x", "::1/129", "host", ""])
      assert.match((parseDlineMask(bad) as { error: string }).error, /^bad address/, bad);
    assert.match((parseDlineMask("10.0.0.0/7") as { error: string }).error, /too broad/);
    assert.match((parseDlineMask("2001::/15") as { error: string }).error, /too broad/);
  });
});

describe("the ban list", () => {
  const who = (username: string, address: string, hostname = address) => ({ username, hostname, address });

  it("matches K-lines on the user at its host or address, folded, and D-lines on the address", () => {
    const list = new ServerBanList();
    list.set(kline("Bad*@10.0.*", 1));
    list.set(dline("192.0.2.0/24", 2));
    list.set(dline("2001:db8::/32", 3));
    assert.equal(list.match(who("badger", "10.0.9.9"), 10)?.mask, "Bad*@10.0.*");
    assert.equal(list.match(who("badger", "10.0.9.9", "host.example"), 10)?.mask, "Bad*@10.0.*");
    assert.equal(list.match(who("good", "10.0.9.9"), 10), null);
    assert.equal(list.match(who("anyone", "::ffff:192.0.2.200"), 10)?.mask, "192.0.2.0/24");
    assert.equal(list.match(who("anyone", "2001:db8:5::1"), 10)?.mask, "2001:db8::/32");
    assert.equal(list.match(who("anyone", "192.0.3.1"), 10), null);
  });

  it("forgets bans when their time is up, by the time it is asked with", () => {
    const list = new ServerBanList();
    list.set(kline("*@1.2.3.4", 0, 600_000));
    assert.ok(list.match(who("u", "1.2.3.4"), 599_999));
    assert.equal(list.find("kline", "*@1.2.3.4", 599_999)?.mask, "*@1.2.3.4");
    assert.equal(list.match(who("u", "1.2.3.4"), 600_000), null);
    assert.deepEqual(list.active(600_000), []);
    assert.equal(list.find("kline", "*@1.2.3.4", 0), null, "gone once found ended");
  });

  it("keeps the latest change to a mask, whatever order changes arrive in", () => {
    const list = new ServerBanList();
    assert.ok(list.remove("kline", "*@h", stamp(5)) === false, "nothing to lift");
    assert.equal(list.set(kline("*@h", 3)), false, "older than the lift");
    assert.equal(list.active(0).length, 0);
    assert.ok(list.set(kline("*@H", 7)));
    assert.equal(list.set(kline("*@h", 7)), false, "the same change again");
    assert.equal(list.remove("kline", "*@h", stamp(6)), false, "a lift older than the ban");
    assert.equal(list.active(0).length, 1);
    assert.ok(list.remove("kline", "*@h", stamp(8)));
    assert.equal(list.active(0).length, 0);
    assert.equal(list.stampOf("kline", "*@h")?.time, 8);
  });

  it("loads from a store and tells it of every change", async () => {
    const events: string[] = [];
    const store: ServerBanStore = {
      load: async () => [kline("*@kept", 1), dline("10.0.0.0/8", 2)],
      saved: (ban) => events.push(`saved ${ban.mask}`),
      removed: (kind, mask) => events.push(`removed ${kind} ${mask}`),
    };
    const list = new ServerBanList();
    await list.follow(store);
    assert.deepEqual(events, [], "what was loaded is not written back");
    assert.equal(list.active(0).length, 2);
    list.set(kline("*@new", 3));
    list.remove("kline", "*@kept", stamp(4));
    list.set(kline("*@old", 0));
    assert.deepEqual(events, ["saved *@new", "removed kline *@kept", "saved *@old"]);
  });
});
