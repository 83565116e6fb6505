// Keeps this node's registry in step with the other nodes'. Every change made here is applied here at once
// and published with this node's id; changes from other nodes are applied in the order the bus delivers
// them (one publisher connection per node, so each node's changes arrive in the order it made them), and a
// node never applies its own. Users of other nodes live in the registry as RemoteUsers, so NAMES, WHO,
// WHOIS and LIST see everyone.
import type { Logger } from "pino";
import { counters } from "../../metrics/counters.js";
import type { Timer } from "../core/clock.js";
import type { Operation } from "../core/operations.js";
import { describeUser, type OperationObserver, type RoomRegistry, snapshotOf } from "../core/registry.js";
import { RemoteUser } from "../core/remote.js";
import type { User } from "../core/user.js";
import type { BusMessage, Envelope } from "./ops.js";
import { type BusTransport, NODE_TIMEOUT_MS } from "./transport.js";

/** How a node tells one of its own users something about the bus (an undelivered message). */
export type NoticeSender = (user: User, text: string) => void;

export class Replicator implements OperationObserver {
  private connected = false;
  private downTimer: Timer | null = null;
  /** Users told that their messages did not reach the other nodes, during the current outage. */
  private readonly warned = new Set<User>();
  /**
   * Nodes whose users this node dropped as gone. One that speaks again was not gone (its heartbeats were
   * late, or the link was cut): without its users here, its joins and messages would apply to no one, so
   * it is asked, with everyone, to tell its users and memberships again.
   */
  private readonly dropped = new Set<string>();

  constructor(
    private readonly registry: RoomRegistry,
    private readonly transport: BusTransport,
    private readonly log: Logger,
    private readonly notice: NoticeSender,
  ) {}

  get nodeId(): string {
    return this.transport.nodeId;
  }

  /** The bus is reachable. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Connect, and number this node's ids. */
  async start(): Promise<void> {
    // Operations decided here name this node as their origin: the node id the others know it by.
    this.registry.origin = this.nodeId;
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
    this.downTimer?.cancel();
    this.registry.observer = null;
    await this.transport.close();
  }

  // ---- this node's operations

  changed(op: Operation): void {
    // Nicks given out at once on two nodes are settled by the registries, by the order of the operations.
    if (!this.send(op) && op.t === "message") this.undelivered(op);
  }

  private send(message: BusMessage): boolean {
    const sent = this.transport.publish({ node: this.nodeId, op: message });
    if (sent) counters.busOut += 1;
    return sent;
  }

  /** A message published while the bus was down reached this node's users only: the sender is told. */
  private undelivered(op: Extract<Operation, { t: "message" }>): void {
    if (op.from === null) return;
    const from = this.registry.usersById.get(op.from);
    if (!from || from.frontend.remote || this.warned.has(from)) return;
    const room = op.room === null ? null : this.registry.findRoom(op.room);
    const elsewhere = room
      ? [...room.members.keys()].some((member) => member.frontend.remote)
      : op.to !== null && this.registry.usersById.get(op.to)?.frontend.remote === true;
    if (!elsewhere) return;
    this.warned.add(from);
    this.notice(
      from,
      "The link to the other nodes is down: your messages reach this node's users only until it is back",
    );
  }

  // ---- the others' operations: applied as they are, without checks

  private receive(envelope: Envelope): void {
    if (envelope.node === this.nodeId) return;
    const op = envelope.op;
    counters.busIn += 1;
    if ("time" in op) {
      const lag = this.registry.clock.now() - op.time;
      if (lag > counters.busLagMaxMs) counters.busLagMaxMs = lag;
    }
    if (this.dropped.delete(envelope.node) && op.t !== "hello") {
      this.log.warn({ node: envelope.node }, "a node taken for gone is still there: asking for its users");
      this.send({ t: "hello" });
    }
    try {
      if (op.t === "hello") this.announce();
      else this.registry.apply(op);
    } catch (err) {
      this.log.error({ err, op: op.t, node: envelope.node }, "could not apply an operation from the bus");
    }
  }

  /**
   * Tell the others everything of this node: the server bans, its users, and each membership as the join
   * that began it, with the room's state. Those already known are taken as they are.
   */
  private announce(): void {
    const registry = this.registry;
    // Server bans, each with the stamp it was set with: a node that knows one already takes it as it is.
    for (const { stamp, ...ban } of registry.serverBans.active(registry.clock.now()))
      this.send({ t: "ban", ban, ...stamp });
    const local = [...registry.usersById.values()].filter((user) => !user.frontend.remote);
    for (const user of local) this.send({ t: "connect", user: describeUser(user), ...registry.stamp() });
    for (const user of local) {
      for (const room of user.rooms) {
        const status = room.members.get(user);
        if (!status) continue;
        this.send({
          t: "join",
          user: user.id,
          room: room.name,
          ref: room.ref,
          created: room.created,
          op: status.op,
          voice: status.voice,
          snapshot: snapshotOf(room),
          ...registry.stamp(),
          id: status.member,
        });
      }
    }
  }

  // ---- the bus itself

  private up(): void {
    this.downTimer?.cancel();
    this.downTimer = null;
    const again = !this.connected;
    this.connected = true;
    this.warned.clear();
    if (!again) return;
    this.log.info("bus up: asking the other nodes for their users and telling them ours");
    this.send({ t: "hello" });
    this.dropped.clear();
    this.announce();
  }

  private down(): void {
    if (!this.connected) return;
    this.connected = false;
    this.log.warn("bus down: this node's users keep talking among themselves; reconnecting");
    // The others drop our users after NODE_TIMEOUT_MS; we drop theirs after as long.
    this.downTimer = this.registry.clock.after(NODE_TIMEOUT_MS, () => {
      this.downTimer = null;
      this.log.warn("bus still down: the other nodes' users leave this node's rooms until it is back");
      for (const node of this.remoteNodes()) this.nodeGone(node, "Lost the link to its node");
    });
  }

  private remoteNodes(): Set<string> {
    const nodes = new Set<string>();
    for (const user of this.registry.usersById.values()) if (user instanceof RemoteUser) nodes.add(user.node);
    return nodes;
  }

  /** A node is gone: its users quit here, each node deciding so for itself. */
  private nodeGone(node: string, reason: string): void {
    const registry = this.registry;
    const ids: number[] = [];
    for (const user of registry.usersById.values())
      if (user instanceof RemoteUser && user.node === node) ids.push(user.id);
    this.dropped.add(node);
    if (ids.length === 0) return;
    this.log.info({ node, users: ids.length }, "node gone: its %d users leave", ids.length);
    for (const id of ids) registry.apply({ t: "quit", user: id, reason, ...registry.stamp() });
  }
}
