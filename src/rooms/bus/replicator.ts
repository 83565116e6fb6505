// Keeps this node's registry in step with the other nodes'. Every change made here is applied here at once
// and published with this node's id; changes from other nodes are applied in the order the bus delivers
// them (one publisher connection per node, so each node's changes arrive in the order it made them), and a
// node never applies its own. Users of other nodes live in the registry as RemoteUsers, so NAMES, WHO,
// WHOIS and LIST see everyone.
import type { Logger } from "pino";
import { fold } from "../core/casemap.js";
import type { RegistryObserver, RoomRegistry } from "../core/registry.js";
import { describeUser } from "../core/registry.js";
import type { Room } from "../core/room.js";
import type { User } from "../core/user.js";
import type { BusOp, Envelope, RoomInfo, RoomOp, UserInfo } from "./ops.js";
import { RemoteFrontend, RemoteUser } from "./remote.js";
import { type BusTransport, NODE_TIMEOUT_MS } from "./transport.js";

/** How a node tells one of its own users something about the bus (a lost nick, an undelivered message). */
export type NoticeSender = (user: User, text: string) => void;

export class Replicator implements RegistryObserver {
  private readonly remote: RemoteFrontend;
  /** Users of each other node, by id. */
  private readonly nodes = new Map<string, Set<number>>();
  /** Room state sent with a node's users, for rooms this node does not have yet. */
  private readonly pendingRooms = new Map<string, RoomInfo>();
  /** The nick each of this node's users has claimed, folded. */
  private readonly claims = new Map<number, string>();
  private connected = false;
  private downTimer: NodeJS.Timeout | null = null;
  /** Users told that their messages did not reach the other nodes, during the current outage. */
  private readonly warned = new Set<User>();

  constructor(
    private readonly registry: RoomRegistry,
    private readonly transport: BusTransport,
    private readonly log: Logger,
    private readonly notice: NoticeSender,
  ) {
    this.remote = new RemoteFrontend((user, reason) => this.send({ t: "kill", id: user.id, reason }));
  }

  get nodeId(): string {
    return this.transport.nodeId;
  }

  /** Connect, and number this node's ids. */
  async start(): Promise<void> {
    const node = await this.transport.start({
      envelope: (envelope) => this.receive(envelope),
      nodeGone: (node) => this.nodeGone(node, "Node lost"),
      up: () => this.up(),
      down: () => this.down(),
    });
    this.registry.setNodeNumber(node);
    this.registry.observer = this;
    this.log.info({ node: this.nodeId, number: node }, "joined the bus as node %d", node);
  }

  async close(): Promise<void> {
    if (this.downTimer) clearTimeout(this.downTimer);
    this.registry.observer = null;
    await this.transport.close();
  }

  // ---- this node's changes

  changed(op: RoomOp): void {
    const sent = this.send(op);
    switch (op.t) {
      case "user":
        this.claim(op.user.id, op.user.nick);
        break;
      case "nick":
        this.claim(op.id, op.nick);
        break;
      case "quit":
        this.release(op.id);
        break;
      case "msg":
        if (!sent) this.undelivered(op);
        break;
    }
  }

  private send(op: BusOp): boolean {
    return this.transport.publish({ node: this.nodeId, op });
  }

  /** Claim a nick in the bus; a user who lost a race for it (two nodes, one moment) is renamed. */
  private claim(id: number, nick: string): void {
    const folded = fold(nick);
    const previous = this.claims.get(id);
    if (previous === folded) return;
    if (previous !== undefined) this.transport.releaseNick(previous, id);
    this.claims.set(id, folded);
    this.confirm(id, folded, nick);
  }

  private confirm(id: number, folded: string, nick: string): void {
    void this.transport.claimNick(folded, id).then((ours) => {
      if (ours !== false) return;
      const user = this.registry.usersById.get(id);
      if (!user || fold(user.nick) !== folded || user instanceof RemoteUser) return;
      const fallback = `Guest${id}`;
      this.log.info({ user: id, nick }, "nick %s was taken on another node at the same moment", nick);
      this.notice(
        user,
        `The nickname ${nick} was taken on another node at the same moment; you are now ${fallback}`,
      );
      if (this.registry.rename(user, fallback) !== null) {
        user.frontend.disconnect?.(user, "Nickname collision");
        this.registry.remove(user, "Nickname collision");
      }
    });
  }

  private release(id: number): void {
    const folded = this.claims.get(id);
    if (folded === undefined) return;
    this.claims.delete(id);
    this.transport.releaseNick(folded, id);
  }

  /** A message published while the bus was down reached this node's users only: the sender is told. */
  private undelivered(op: Extract<RoomOp, { t: "msg" }>): void {
    if (op.from === null) return;
    const from = this.registry.usersById.get(op.from);
    if (!from || from instanceof RemoteUser || this.warned.has(from)) return;
    const room = op.room === null ? null : this.registry.findRoom(op.room);
    const elsewhere = room
      ? [...room.members.keys()].some((member) => member instanceof RemoteUser)
      : op.to !== null && this.registry.usersById.get(op.to) instanceof RemoteUser;
    if (!elsewhere) return;
    this.warned.add(from);
    this.notice(
      from,
      "The link to the other nodes is down: your messages reach this node's users only until it is back",
    );
  }

  // ---- the others' changes

  private receive(envelope: Envelope): void {
    if (envelope.node === this.nodeId) return;
    try {
      this.apply(envelope.node, envelope.op);
    } catch (err) {
      this.log.error(
        { err, op: envelope.op.t, node: envelope.node },
        "could not apply a change from the bus",
      );
    }
  }

  private apply(node: string, op: BusOp): void {
    const registry = this.registry;
    const user = "id" in op ? registry.usersById.get(op.id) : undefined;
    // Only a user's own node decides that it goes or renames; a stray op for our own user is ignored.
    const own = user !== undefined && !(user instanceof RemoteUser);
    switch (op.t) {
      case "hello":
        this.announce();
        return;
      case "user":
        this.addUser(node, op.user);
        return;
      case "room":
        this.roomInfo(op.room);
        return;
      case "kill":
        if (user && own) {
          user.frontend.disconnect?.(user, op.reason);
          registry.remove(user, op.reason);
        }
        return;
    }
    if (!user && op.t !== "topic" && op.t !== "mode" && op.t !== "msg") return;
    registry.replay(() => {
      switch (op.t) {
        case "nick":
          if (user && !own) registry.rename(user, op.nick);
          return;
        case "quit":
          if (user && !own) {
            registry.remove(user, op.reason);
            this.nodes.get(node)?.delete(op.id);
          }
          return;
        case "away":
          if (user) registry.setAway(user, op.away);
          return;
        case "oper":
          if (user) registry.setOper(user, true);
          return;
        case "join":
          if (user) this.join(user, op);
          return;
        case "part": {
          const room = registry.findRoom(op.room);
          if (user && room) registry.part(user, room, op.reason);
          return;
        }
        case "kick": {
          const room = registry.findRoom(op.room);
          if (user && room) registry.kick(this.source(op.by), room, user, op.reason);
          return;
        }
        case "invite": {
          const room = registry.findRoom(op.room);
          const by = registry.usersById.get(op.by);
          if (user && room && by) registry.invite(by, room, user);
          return;
        }
        case "topic": {
          const room = registry.findRoom(op.room);
          if (room) registry.setTopic(this.source(op.by), room, op.text);
          return;
        }
        case "mode": {
          const room = registry.findRoom(op.room);
          if (room) registry.setModes(this.source(op.by), room, op.changes);
          return;
        }
        case "msg": {
          const target = op.room !== null ? registry.findRoom(op.room) : registry.usersById.get(op.to ?? -1);
          if (target) registry.message(this.source(op.from), target, op.text, op.kind, op.tags);
          return;
        }
      }
    });
  }

  private source(id: number | null): User | null {
    return id === null ? null : (this.registry.usersById.get(id) ?? null);
  }

  private addUser(node: string, info: UserInfo): void {
    const known = this.registry.usersById.get(info.id);
    if (known) {
      if (known instanceof RemoteUser) {
        known.update(info);
        if (known.nick !== info.nick) this.registry.replay(() => this.registry.rename(known, info.nick));
      }
      return;
    }
    let ids = this.nodes.get(node);
    if (!ids) {
      ids = new Set();
      this.nodes.set(node, ids);
    }
    ids.add(info.id);
    const user = new RemoteUser(info, this.remote, node);
    this.registry.replay(() => this.registry.add(user));
  }

  private join(user: User, op: Extract<RoomOp, { t: "join" }>): void {
    const registry = this.registry;
    registry.learnRef(op.room, op.ref);
    const existing = registry.findRoom(op.room);
    if (existing?.members.has(user)) return;
    const result = registry.join(user, op.room, { force: true, status: { op: op.op, voice: op.voice } });
    const pending = this.pendingRooms.get(fold(op.room));
    if (!existing && pending && "room" in result) {
      this.pendingRooms.delete(fold(op.room));
      restoreRoom(result.room, pending);
    }
  }

  private roomInfo(info: RoomInfo): void {
    this.registry.learnRef(info.name, info.ref);
    if (this.registry.findRoom(info.name)) return; // ours is as recent as theirs
    this.pendingRooms.set(fold(info.name), info);
  }

  /** Tell the others everything of this node: its users, their rooms' state and their memberships. */
  private announce(): void {
    const local = [...this.registry.usersById.values()].filter((user) => !(user instanceof RemoteUser));
    const rooms = new Set<Room>();
    for (const user of local) {
      this.send({ t: "user", user: describeUser(user) });
      for (const room of user.rooms) rooms.add(room);
    }
    for (const room of rooms) this.send({ t: "room", room: describeRoom(room) });
    for (const user of local) {
      for (const room of user.rooms) {
        const status = room.members.get(user) ?? { op: false, voice: false };
        this.send({
          t: "join",
          id: user.id,
          room: room.name,
          ref: room.ref,
          op: status.op,
          voice: status.voice,
        });
      }
    }
  }

  // ---- the bus itself

  private up(): void {
    if (this.downTimer) clearTimeout(this.downTimer);
    this.downTimer = null;
    const again = !this.connected;
    this.connected = true;
    this.warned.clear();
    if (!again) return;
    this.log.info("bus up: asking the other nodes for their users and telling them ours");
    this.send({ t: "hello" });
    this.announce();
    // Claims may have been dropped while we were away (the others thought us dead): claim again.
    for (const [id, folded] of [...this.claims]) {
      const user = this.registry.usersById.get(id);
      if (user) this.confirm(id, folded, user.nick);
    }
  }

  private down(): void {
    if (!this.connected) return;
    this.connected = false;
    this.log.warn("bus down: this node's users keep talking among themselves; reconnecting");
    // The others drop our users after NODE_TIMEOUT_MS; we drop theirs after as long.
    this.downTimer = setTimeout(() => {
      this.downTimer = null;
      this.log.warn("bus still down: the other nodes' users leave this node's rooms until it is back");
      for (const node of [...this.nodes.keys()]) this.nodeGone(node, "Lost the link to its node");
    }, NODE_TIMEOUT_MS);
    this.downTimer.unref();
  }

  private nodeGone(node: string, reason: string): void {
    const ids = this.nodes.get(node);
    this.nodes.delete(node);
    if (!ids || ids.size === 0) return;
    this.log.info({ node, users: ids.size }, "node gone: its %d users leave", ids.size);
    this.registry.replay(() => {
      for (const id of ids) {
        const user = this.registry.usersById.get(id);
        if (user) this.registry.remove(user, reason);
      }
    });
  }
}

function describeRoom(room: Room): RoomInfo {
  return {
    name: room.name,
    ref: room.ref,
    topic: room.topic ? { ...room.topic } : null,
    modes: { ...room.modes },
    bans: room.bans.map((ban) => ({ ...ban })),
  };
}

function restoreRoom(room: Room, info: RoomInfo): void {
  room.topic = info.topic;
  Object.assign(room.modes, info.modes);
  room.bans.splice(0, room.bans.length, ...info.bans);
}
