// The rooms core without sockets: every operation, every refusal, and what each user is told.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../../src/rooms/core/clock.js";
import { compareStamps, type Operation } from "../../../src/rooms/core/operations.js";
import { RoomError } from "../../../src/rooms/core/registry.js";
import type { Room } from "../../../src/rooms/core/room.js";
import { recordingRegistry } from "./recorder.js";

const types = (ops: Operation[]) => ops.map((op) => op.t);

describe("rooms core: users", () => {
  it("connects a user as one operation, refusing bad and taken nicks", () => {
    const { registry, ops, user, clock } = recordingRegistry();
    const ann = user("ann");
    assert.deepEqual(types(ops), ["connect"]);
    const op = ops[0] as Extract<Operation, { t: "connect" }>;
    assert.equal(op.user.nick, "ann");
    assert.equal(op.time, clock.now());
    assert.equal(op.origin, registry.origin);
    assert.equal(registry.findUser("ANN"), ann);
    assert.throws(() => user("Ann"), /nick-in-use/);
    assert.throws(() => user("1bad"), /invalid-nick/);
    assert.equal(ops.length, 1);
  });

  it("renames: everyone who shares a room is told once, WHOWAS keeps the old nick with its time", () => {
    const { registry, ops, user, frontend, clock } = recordingRegistry();
    const a = user("a");
    const b = user("b");
    const c = user("c");
    registry.join(a, "#r1");
    registry.join(b, "#r1");
    registry.join(a, "#r2");
    registry.join(b, "#r2");
    frontend.clear();
    clock.advance(5000);
    assert.equal(registry.rename(a, "b"), RoomError.NickInUse);
    assert.equal(registry.rename(a, "-x"), RoomError.InvalidNick);
    assert.equal(registry.rename(a, "z"), null);
    assert.equal(ops.at(-1)?.t, "nick");
    assert.deepEqual(
      frontend.of("nick").map((d) => d.to.sort()),
      [["b", "z"]],
    );
    assert.equal(registry.findUser("a"), undefined);
    const [entry] = registry.lookupWhowas("a");
    assert.equal(entry?.leftAt, clock.now());
    assert.ok(c);
  });

  it("quits: leaves every room, told once to each who shared one", () => {
    const { registry, user, frontend } = recordingRegistry();
    const a = user("a");
    const b = user("b");
    user("alone");
    registry.join(a, "#x");
    registry.join(b, "#x");
    registry.join(a, "#y");
    registry.join(b, "#y");
    frontend.clear();
    registry.remove(a, "bye");
    assert.deepEqual(
      frontend.of("quit").map((d) => [d.to, d.event.reason]),
      [[["b"], "bye"]],
    );
    assert.equal(registry.isRegistered(a), false);
    assert.equal(registry.findRoom("#x")?.members.size, 1);
    registry.remove(a, "again");
    assert.equal(frontend.of("quit").length, 1);
  });

  it("sets away and user modes as operations; LUSERS counts follow", () => {
    const { registry, ops, user, frontend } = recordingRegistry();
    const a = user("a");
    const b = user("b");
    registry.join(a, "#x");
    registry.join(b, "#x");
    frontend.clear();
    registry.setAway(a, "lunch");
    assert.equal(a.away, "lunch");
    assert.deepEqual(
      frontend.of("away").map((d) => d.to),
      [["b"]],
    );
    registry.setUserModes(a, { invisible: true, wallops: true });
    assert.deepEqual(registry.modeCounts, { invisible: 1, opers: 0 });
    const umode = frontend.of("umode")[0];
    assert.deepEqual(umode?.to, ["a"]);
    assert.deepEqual(umode?.event.changes, [
      { sign: "+", mode: "i" },
      { sign: "+", mode: "w" },
    ]);
    const before = ops.length;
    registry.setUserModes(a, { invisible: true });
    assert.equal(ops.length, before, "nothing changes, nothing is decided");
    registry.setUserModes(a, { oper: true, invisible: false });
    assert.deepEqual(registry.modeCounts, { invisible: 0, opers: 1 });
  });
});

describe("rooms core: rooms", () => {
  it("joins: the creator is operator, the room's creation stamp is the creating join's", () => {
    const { registry, ops, user, frontend } = recordingRegistry();
    const a = user("a");
    const b = user("b");
    const joined = registry.join(a, "#new");
    assert.ok("room" in joined);
    const room = joined.room;
    const op = ops.at(-1) as Extract<Operation, { t: "join" }>;
    assert.equal(op.op, true);
    assert.equal(compareStamps(op.created, op), 0);
    assert.equal(compareStamps(room.created, op), 0);
    registry.join(b, "#NEW");
    assert.equal(room.isOp(b), false);
    assert.deepEqual(
      frontend.of("join").map((d) => d.to),
      [["a"], ["a", "b"]],
    );
    assert.deepEqual(registry.join(b, "#new"), { error: RoomError.AlreadyInRoom });
    assert.deepEqual(registry.join(b, "nohash"), { error: RoomError.InvalidRoomName });
  });

  it("refuses joins: too many rooms, +l, +i (an invitation lets in), +k, +b; force goes past them", () => {
    const { registry, user } = recordingRegistry({ maxRoomsPerUser: 2 });
    const op = user("op");
    const u = user("u");
    registry.join(u, "#one");
    registry.join(u, "#two");
    assert.deepEqual(registry.join(u, "#three"), { error: RoomError.TooManyRooms });
    assert.ok("room" in registry.join(u, "#three", { force: true }));
    const room = (registry.join(op, "#gate") as { room: Room }).room;
    const v = user("v");
    registry.setModes(op, room, [{ sign: "+", mode: "l", param: "1" }]);
    assert.deepEqual(registry.join(v, "#gate"), { error: RoomError.RoomFull });
    registry.setModes(op, room, [
      { sign: "-", mode: "l" },
      { sign: "+", mode: "i" },
    ]);
    assert.deepEqual(registry.join(v, "#gate"), { error: RoomError.InviteOnly });
    assert.equal(registry.invite(op, room, v), null);
    assert.ok(room.invited.has(v.id));
    registry.setModes(op, room, [{ sign: "+", mode: "k", param: "sesame" }]);
    assert.deepEqual(registry.join(v, "#gate"), { error: RoomError.BadKey });
    assert.ok("room" in registry.join(v, "#gate", { key: "sesame" }));
    assert.equal(room.invited.has(v.id), false, "the invitation is used up");
    const w = user("w");
    registry.setModes(op, room, [
      { sign: "-", mode: "i" },
      { sign: "-", mode: "k" },
      { sign: "+", mode: "b", param: "w" },
    ]);
    assert.deepEqual(registry.join(w, "#gate"), { error: RoomError.Banned });
  });

  it("holds extended bans: a:<account> in +b, +e and +I, m: mutes and its exceptions, bad entries refused", () => {
    const { registry, user } = recordingRegistry();
    const op = user("op");
    const ann = user("ann");
    const anne = user("anne");
    registry.setAccount(ann, "Ann");
    const room = (registry.join(op, "#acct") as { room: Room }).room;
    const mode = (sign: "+" | "-", letter: string, param?: string) =>
      registry
        .setModes(op, room, [param === undefined ? { sign, mode: letter } : { sign, mode: letter, param }])
        .map((refusal) => refusal.error);
    assert.deepEqual(mode("+", "b", "a:AN*"), []);
    assert.deepEqual(
      room.bans.map((ban) => ban.mask),
      ["a:AN*"],
    );
    assert.deepEqual(registry.join(ann, "#acct"), { error: RoomError.Banned });
    // An account ban matches the account, whatever the nick: one logged in to none is never matched.
    assert.ok("room" in registry.join(anne, "#acct"));
    mode("+", "e", "a:ann");
    assert.ok("room" in registry.join(ann, "#acct"));
    assert.equal(registry.canSend(ann, room), null);
    mode("-", "e", "a:ann");
    mode("-", "b", "a:AN*");
    // m: stacked on a: mutes the account; an m: exception lifts mutes only.
    mode("+", "b", "m:a:ann");
    assert.equal(registry.canSend(ann, room), RoomError.BannedFromSending);
    assert.equal(registry.canSend(anne, room), null);
    mode("+", "e", "m:ann");
    assert.deepEqual(
      room.exceptions.map((entry) => entry.mask),
      ["m:ann!*@*"],
    );
    assert.equal(registry.canSend(ann, room), null);
    mode("+", "b", "ann");
    assert.equal(registry.canSend(ann, room), RoomError.BannedFromSending);
    registry.part(ann, room, "");
    assert.deepEqual(registry.join(ann, "#acct"), { error: RoomError.Banned });
    // +I by account: past +i once logged in.
    const bob = user("bob");
    mode("+", "i");
    mode("+", "I", "a:bob");
    assert.deepEqual(registry.join(bob, "#acct"), { error: RoomError.InviteOnly });
    registry.setAccount(bob, "bob");
    assert.ok("room" in registry.join(bob, "#acct"));
    // Entries that cannot be: nothing after a: or m:, m: in +I, m: twice.
    for (const [letter, param] of [
      ["b", "a:"],
      ["b", "m:"],
      ["e", "m:a:"],
      ["I", "m:bob"],
      ["b", "m:m:bob"],
    ] as const)
      assert.deepEqual(mode("+", letter, param), [RoomError.InvalidModeParam], `${letter} ${param}`);
    assert.equal(room.inviteExceptions.length, 1);
  });

  it("changes metadata as operations: its own or an operated room's, within the limit, each key's latest winning", () => {
    const { registry, ops, user, frontend } = recordingRegistry();
    const op = user("mdop");
    const member = user("mdmember");
    const room = (registry.join(op, "#md") as { room: Room }).room;
    registry.join(member, "#md");
    frontend.clear();
    assert.equal(registry.setMetadata(member, op, [{ key: "k", value: "v" }], 5), "permission");
    assert.equal(registry.setMetadata(member, room, [{ key: "k", value: "v" }], 5), "permission");
    assert.equal(registry.setMetadata(op, op, [{ key: "k", value: null }], 5), "not-set");
    assert.equal(registry.setMetadata(op, op, [{ key: "display-name", value: "Op" }], 5), null);
    assert.deepEqual(
      frontend.of("metadata").map((d) => [d.to.sort(), d.event.changes]),
      [[["mdmember", "mdop"], [{ key: "display-name", value: "Op" }]]],
    );
    // The same value again changes nothing: no operation.
    const count = ops.length;
    assert.equal(registry.setMetadata(op, op, [{ key: "display-name", value: "Op" }], 5), null);
    assert.equal(ops.length, count);
    assert.equal(
      registry.setMetadata(
        op,
        room,
        [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
        ],
        2,
      ),
      null,
    );
    assert.equal(registry.setMetadata(op, room, [{ key: "c", value: "3" }], 2), "limit");
    assert.equal(registry.setMetadata(op, room, [{ key: "a", value: "one" }], 2), null);
    assert.deepEqual(Object.fromEntries(room.metadata ?? []), { a: "one", b: "2" });
    // Another node's older change to a key loses; a later one wins.
    const last = ops.at(-1) as Operation;
    const other = { t: "metadata", by: null, user: null, room: "#md", created: room.created } as const;
    registry.apply({
      ...other,
      changes: [{ key: "a", value: "old" }],
      time: last.time - 1,
      origin: "x",
      id: "x1",
    });
    assert.equal(room.metadata?.get("a"), "one");
    registry.apply({
      ...other,
      changes: [{ key: "a", value: null }],
      time: last.time + 1,
      origin: "x",
      id: "x2",
    });
    assert.deepEqual(Object.fromEntries(room.metadata ?? []), { b: "2" });
  });

  it("parts and kicks: membership checked, the room goes with its last member", () => {
    const { registry, user, frontend } = recordingRegistry();
    const a = user("a");
    const b = user("b");
    const c = user("c");
    const room = (registry.join(a, "#k") as { room: Room }).room;
    registry.join(b, "#k");
    assert.equal(registry.part(c, room, ""), RoomError.NotInRoom);
    assert.equal(registry.kick(c, room, b, "x"), RoomError.NotInRoom);
    assert.equal(registry.kick(b, room, a, "x"), RoomError.NotOperator);
    assert.equal(registry.kick(a, room, c, "x"), RoomError.TargetNotInRoom);
    frontend.clear();
    assert.equal(registry.kick(a, room, b, "out"), null);
    assert.deepEqual(
      frontend.of("kick").map((d) => [d.to, d.event.reason]),
      [[["a", "b"], "out"]],
    );
    assert.equal(registry.kick(null, room, a, "server"), null, "the server needs no status");
    assert.equal(registry.findRoom("#k"), undefined);
  });

  it("invites and topics: membership and operator checks, +t, the topic's time from the clock", () => {
    const { registry, user, frontend, clock } = recordingRegistry({ topicLength: 5 });
    const a = user("a");
    const b = user("b");
    const c = user("c");
    const room = (registry.join(a, "#t") as { room: Room }).room;
    registry.join(b, "#t");
    assert.equal(registry.invite(c, room, b), RoomError.NotInRoom);
    assert.equal(registry.invite(a, room, b), RoomError.AlreadyInRoom);
    registry.setModes(a, room, [{ sign: "+", mode: "i" }]);
    assert.equal(registry.invite(b, room, c), RoomError.NotOperator);
    assert.equal(registry.setTopic(c, room, "x"), RoomError.NotInRoom);
    assert.equal(registry.setTopic(b, room, "x"), RoomError.NotOperator);
    clock.advance(1234);
    assert.equal(registry.setTopic(a, room, "hello world"), null);
    assert.deepEqual(room.topic, { text: "hello", setBy: a.mask, setAt: clock.now() });
    assert.deepEqual(frontend.of("topic").at(-1)?.to, ["a", "b"]);
    registry.setTopic(a, room, "");
    assert.equal(room.topic, null);
  });

  it("modes: each change checked apart, the valid ones as one operation told once", () => {
    const { registry, ops, user, frontend } = recordingRegistry();
    const a = user("a");
    const b = user("b");
    user("outside");
    const room = (registry.join(a, "#m") as { room: Room }).room;
    registry.join(b, "#m");
    frontend.clear();
    const before = ops.length;
    const errors = registry.setModes(a, room, [
      { sign: "+", mode: "o", param: "b" },
      { sign: "+", mode: "v" },
      { sign: "+", mode: "v", param: "ghost" },
      { sign: "+", mode: "v", param: "outside" },
      { sign: "+", mode: "x" },
      { sign: "+", mode: "l", param: "zero" },
      { sign: "+", mode: "m" },
      { sign: "+", mode: "b" },
    ]);
    assert.deepEqual(
      errors.map((e) => e.error),
      [
        RoomError.NeedMoreParams,
        RoomError.NoSuchNick,
        RoomError.TargetNotInRoom,
        RoomError.UnknownMode,
        RoomError.InvalidModeParam,
      ],
    );
    assert.equal(ops.length, before + 1);
    assert.deepEqual(frontend.of("mode")[0]?.event.changes, [
      { sign: "+", mode: "o", param: "b" },
      { sign: "+", mode: "m" },
    ]);
    assert.ok(room.isOp(b));
    assert.equal(room.modes.moderated, true);
    const c = user("c");
    registry.join(c, "#m");
    assert.deepEqual(
      registry.setModes(c, room, [{ sign: "-", mode: "m" }]).map((e) => e.error),
      [RoomError.NotOperator],
    );
  });
});

describe("rooms core: messages", () => {
  it("stamps each message once with a msgid and the clock's time; refusals say why", () => {
    const { registry, ops, user, frontend, clock } = recordingRegistry();
    const a = user("a");
    const b = user("b");
    const out = user("out");
    const seed = user("seedy", "seed");
    const room = (registry.join(a, "#c") as { room: Room }).room;
    registry.join(b, "#c");
    frontend.clear();
    clock.advance(42);
    assert.equal(registry.message(a, room, "hi", "privmsg"), null);
    assert.equal(registry.message(a, room, "hey", "notice"), null);
    assert.equal(registry.message(a, room, "", "tagmsg", { "+typing": "active" }), null);
    const sent = frontend.of("message");
    assert.deepEqual(
      sent.map((d) => [d.event.kind, d.to]),
      [
        ["privmsg", ["a", "b"]],
        ["notice", ["a", "b"]],
        ["tagmsg", ["a", "b"]],
      ],
    );
    const ids = sent.map((d) => d.event.id);
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual(
      ids,
      ops.slice(-3).map((op) => op.id),
    );
    for (const d of sent) assert.equal(d.event.time, clock.now());
    assert.deepEqual(sent[2]?.event.tags, { "+typing": "active" });

    assert.equal(registry.message(out, room, "x", "privmsg"), RoomError.NoExternalMessages);
    registry.setModes(a, room, [{ sign: "+", mode: "m" }]);
    assert.equal(registry.message(b, room, "x", "privmsg"), RoomError.Moderated);
    registry.setModes(a, room, [
      { sign: "-", mode: "m" },
      { sign: "+", mode: "b", param: "b" },
    ]);
    assert.equal(registry.message(b, room, "x", "privmsg"), RoomError.BannedFromSending);
    assert.equal(registry.message(a, seed, "x", "privmsg"), RoomError.NoPrivateMessages);
    frontend.clear();
    assert.equal(registry.message(a, b, "psst", "privmsg"), null);
    assert.deepEqual(frontend.of("message")[0]?.to, ["b", "a"]);
  });

  it("a multiline message is one operation with one msgid, its lines and their combined text", () => {
    const { registry, ops, user, frontend } = recordingRegistry();
    const a = user("a");
    user("b");
    const room = registry.join(a, "#m");
    assert.ok("room" in room);
    frontend.clear();
    const lines = [{ text: "one " }, { text: "two", concat: true as const }, { text: "" }, { text: "three" }];
    assert.equal(
      registry.message(a, room.room, "one two\n\nthree", "privmsg", undefined, undefined, lines),
      null,
    );
    const op = ops.at(-1) as Extract<Operation, { t: "message" }>;
    assert.deepEqual(op.lines, lines);
    assert.equal(frontend.of("message").length, 1);
    assert.deepEqual(frontend.of("message")[0]?.event.lines, lines);
  });

  it("REDACT: the sender, a room's operator or a server operator; once; unknown otherwise", () => {
    const { registry, ops, user, frontend } = recordingRegistry();
    const op = user("op");
    const a = user("a");
    const b = user("b");
    const outside = user("outside");
    const joined = registry.join(op, "#r");
    assert.ok("room" in joined);
    const room = joined.room;
    registry.join(a, "#r");
    registry.join(b, "#r");
    registry.message(a, room, "mine", "privmsg");
    const mine = ops.at(-1)?.id as string;
    registry.message(b, room, "theirs", "privmsg");
    const theirs = ops.at(-1)?.id as string;
    frontend.clear();
    assert.equal(registry.redact(a, room, theirs, ""), "forbidden");
    assert.equal(registry.redact(outside, room, mine, ""), "target");
    assert.equal(registry.redact(a, room, "nope", ""), "unknown");
    assert.equal(registry.redact(a, room, mine, "oops"), null);
    assert.equal(ops.at(-1)?.t, "redact");
    assert.deepEqual(frontend.of("redact")[0]?.to.sort(), ["a", "b", "op"]);
    assert.equal(registry.redact(a, room, mine, ""), "unknown");
    assert.equal(registry.redact(op, room, theirs, ""), null);
    registry.message(a, b, "psst", "privmsg");
    const pm = ops.at(-1)?.id as string;
    assert.equal(registry.redact(op, b, pm, ""), "unknown");
    assert.equal(registry.redact(b, a, pm, ""), "forbidden");
    assert.equal(registry.redact(a, b, pm, ""), null);
    assert.deepEqual(frontend.of("redact")[2]?.to.sort(), ["a", "b"]);
  });

  it("RENAME: by an operator, to a free valid name; the room is found by its new name only", () => {
    const { registry, ops, user, frontend } = recordingRegistry();
    const op = user("op");
    const a = user("a");
    const joined = registry.join(op, "#old");
    assert.ok("room" in joined);
    const room = joined.room;
    registry.join(a, "#old");
    registry.join(a, "#taken");
    frontend.clear();
    assert.equal(registry.renameRoom(a, room, "#x", ""), RoomError.NotOperator);
    assert.equal(registry.renameRoom(op, room, "nohash", ""), "invalid");
    assert.equal(registry.renameRoom(op, room, "#TAKEN", ""), "in-use");
    assert.equal(registry.renameRoom(op, room, "#New", "why"), null);
    assert.equal(ops.at(-1)?.t, "rename");
    assert.equal(registry.findRoom("#old"), undefined);
    assert.equal(registry.findRoom("#new"), room);
    assert.equal(room.name, "#New");
    assert.equal(registry.refFor("#new"), room.ref);
    assert.notEqual(registry.refFor("#old"), room.ref);
    assert.deepEqual(frontend.of("rename")[0]?.to.sort(), ["a", "op"]);
    assert.equal(frontend.of("rename")[0]?.event.old, "#old");
  });

  it("WALLOPS reach operators and +w users only, from operators only", () => {
    const { registry, user, frontend } = recordingRegistry();
    const op = user("op");
    const w = user("w");
    user("plain");
    assert.equal(registry.wallops(op, "x"), RoomError.NotServerOperator);
    registry.setUserModes(op, { oper: true });
    registry.setUserModes(w, { wallops: true });
    frontend.clear();
    assert.equal(registry.wallops(op, "hear ye"), null);
    assert.deepEqual(frontend.of("wallops")[0]?.to.sort(), ["op", "w"]);
  });

  it("KILL: only operators; the user's front-end closes it, then it quits", () => {
    const { registry, user, frontend } = recordingRegistry();
    const op = user("op");
    const v = user("victim");
    registry.join(op, "#k");
    registry.join(v, "#k");
    assert.equal(registry.kill(v, op, "no"), RoomError.NotServerOperator);
    registry.setUserModes(op, { oper: true });
    frontend.clear();
    assert.equal(registry.kill(op, v, "bye"), null);
    assert.deepEqual(frontend.disconnected, [{ nick: "victim", reason: "bye" }]);
    assert.deepEqual(
      frontend.of("quit").map((d) => d.to),
      [["op"]],
    );
    assert.equal(registry.kill(op, v, "again"), RoomError.NoSuchNick);
  });
});

type Node = ReturnType<typeof recordingRegistry>;

/** Two nodes on one clock, `node-a` with user a and `node-b` with user b, each knowing the other's user. */
function twoNodes() {
  const clock = new ManualClock();
  const one = recordingRegistry({}, clock);
  const two = recordingRegistry({}, clock);
  one.registry.setNodeNumber(1);
  two.registry.setNodeNumber(2);
  one.registry.origin = "node-a";
  two.registry.origin = "node-b";
  const a = one.user("a");
  const b = two.user("b");
  carry(one, two);
  carry(two, one);
  return { clock, one, two, a, b };
}

/** Apply on `to` what `from` decided since last carried, as the bus would. */
function carry(from: Node, to: Node): void {
  for (const op of from.ops.splice(0)) to.registry.apply(op);
}

describe("rooms core: applying another node's operations", () => {
  it("resets a room that lost a creation race: modes, bans and topic go, and its members are told", () => {
    const { clock, one, two, a, b } = twoNodes();
    one.registry.join(a, "#old");
    clock.advance(10);
    const young = (two.registry.join(b, "#old") as { room: Room }).room;
    two.registry.setModes(b, young, [
      { sign: "+", mode: "m" },
      { sign: "-", mode: "t" },
      { sign: "+", mode: "k", param: "key" },
      { sign: "+", mode: "b", param: "x" },
    ]);
    two.registry.setTopic(b, young, "mine");
    two.frontend.clear();
    carry(one, two);
    assert.equal(young.modes.moderated, false);
    assert.equal(young.modes.topicLocked, true);
    assert.equal(young.modes.key, null);
    assert.deepEqual(young.bans, []);
    assert.equal(young.topic, null);
    const [mode] = two.frontend.of("mode");
    assert.deepEqual(
      mode?.event.changes.map((c) => `${c.sign}${c.mode}${c.param ? ` ${c.param}` : ""}`),
      ["-m", "+t", "-k *", "-b x!*@*", "-o b"],
    );
    assert.deepEqual(
      two.frontend.of("topic").map((d) => d.event.topic),
      [null],
    );
  });

  it("applies without checks, keeps the origin's msgid and time, and hands nothing back to the bus", () => {
    const { one, two, a, b } = twoNodes();
    one.registry.join(a, "#x");
    one.registry.setModes(a, one.registry.findRoom("#x") as Room, [{ sign: "+", mode: "m" }]);
    carry(one, two);
    two.registry.join(two.registry.usersById.get(b.id) as typeof b, "#x");
    carry(two, one);
    assert.equal(one.ops.length, 0, "applying decides nothing");
    // b is not voiced: its node would refuse it, but an operation from elsewhere is not checked again.
    const spoken = {
      t: "message" as const,
      kind: "privmsg" as const,
      from: b.id,
      room: "#x",
      to: null,
      text: "anyway",
      time: 777,
      origin: "elsewhere",
      id: "m1",
    };
    one.frontend.clear();
    one.registry.apply(spoken);
    const got = one.frontend.of("message")[0];
    assert.deepEqual([got?.event.id, got?.event.time, got?.to], ["m1", 777, ["a"]]);
  });

  it("settles a room created on two nodes at once: the older creation's operator stays, alone", () => {
    const { one, two, a, b } = twoNodes();
    // Both create #race at the same millisecond, then hear of the other.
    one.registry.join(a, "#race");
    two.registry.join(b, "#race");
    const fromOne = one.ops.splice(0);
    const fromTwo = two.ops.splice(0);
    for (const op of fromTwo) one.registry.apply(op);
    for (const op of fromOne) two.registry.apply(op);
    // The loser's node tells its members what the older room's arrival took away.
    const told = two.frontend.of("mode").at(-1);
    assert.deepEqual(told?.event.changes, [{ sign: "-", mode: "o", param: "b" }]);
    assert.equal(told?.event.by, null);
    assert.deepEqual(one.frontend.of("mode"), [], "the winner's node changes nothing");
    for (const registry of [one.registry, two.registry]) {
      const room = registry.findRoom("#race") as Room;
      const ops = [...room.members].filter(([, s]) => s.op).map(([u]) => u.nick);
      assert.deepEqual(ops, ["a"], registry.origin);
      assert.equal(room.created.origin, "node-a");
    }
  });
});
