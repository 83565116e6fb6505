// The rooms' owner in the main thread. Sessions (in this thread or in workers) post what their clients
// said, already parsed; the hub hands it to the client's front-end, which acts on the registry. Flood
// control and the per-IP limit live here, once for both protocols.
import type { Logger } from "pino";
import { connectionSlot, countConnection, counters } from "../metrics/counters.js";
import type { LineError } from "../protocol/line-framer.js";
import type { Hub, HubAttachment } from "../services/service.js";
import type { LineConnection } from "../transport/line-connection.js";
import type { Accounts } from "./accounts/accounts.js";
import type { RoomsConfig } from "./config.js";
import { ConnectRate } from "./connect-rate.js";
import type { Clock, Timer } from "./core/clock.js";
import type { Frontend } from "./core/events.js";
import type { RoomRegistry } from "./core/registry.js";
import type { ServerBan } from "./core/server-bans.js";
import { TokenBucket } from "./flood.js";
import type { RoomHistory } from "./history.js";
import type { ChanServ } from "./services/chanserv.js";
import type { NickServ } from "./services/nickserv.js";
import type { RoomsInput } from "./session.js";

/** One connection as its front-end sees it. */
export interface RoomsClient {
  /** Something the client sent, parsed by its session. */
  input(input: RoomsInput): void;
  /** A line that could not be read (too long for the framer, not UTF-8). */
  lineError(error: LineError): void;
  /** The client's input ended. */
  end(): void;
  /** The connection is gone: leave every room. */
  closed(): void;
  /** The server is stopping: say goodbye in the protocol's words and close. */
  shutdown(): void;
  /** Close the connection for `reason` (a flood), told in the protocol's words; the user leaves at once. */
  drop(reason: string): void;
  /** Registered (IRC: welcomed; the seed protocol: named by its first join): no registration deadline. */
  readonly registered: boolean;
  /** The registration deadline passed: close, saying so in the protocol's words. */
  timedOut(): void;
  /** Something the client sent made the server fail: close it alone, saying so in the protocol's words. */
  failed(): void;
  /** The client's lines belong to one message being built (an IRC multiline batch): not counted one by one. */
  readonly batching?: boolean;
  /** Lines flood control is still to count for what the client just sent (a multiline batch as a whole). */
  owed?: number;
}

export interface RoomsFrontend extends Frontend {
  open(conn: LineConnection): RoomsClient;
  /** Close a connection that has no client yet, saying why in the protocol's words. */
  refuse(conn: LineConnection, reason: string): void;
  /** Close a connection under a ban (K-line, D-line) at its first line, saying so in the protocol's words. */
  refuseBanned(conn: LineConnection, ban: ServerBan): void;
}

/** What front-ends get from the hub. */
export interface RoomsContext {
  readonly registry: RoomRegistry;
  readonly config: RoomsConfig;
  readonly log: Logger;
  /** Every time and timer of the rooms comes from here. */
  readonly clock: Clock;
  /** When the server started, in milliseconds (RPL_CREATED, INFO). */
  readonly startedAt: number;
  /** What was said in the rooms, written down and read back. */
  readonly history: RoomHistory;
  /** Accounts: registering, logging in. */
  readonly accounts: Accounts;
  /** The NickServ service user, which also guards registered nicks. */
  readonly nickserv: NickServ;
  /** The ChanServ service user, which keeps registered channels. */
  readonly chanserv: ChanServ;
  /** KILL_SERVICE: stop the whole server. */
  stopServer(reason: string): void;
}

export type FrontendFactories = Record<"seed" | "irc", (context: RoomsContext) => RoomsFrontend>;

/** Lines a flooding client may have waiting before it is dropped. */
const MAX_FLOOD_BACKLOG = 100;

/**
 * One connection's place in the hub, and the link its session posts through: the message goes straight to
 * the slot, with no lookup and no closure per client.
 */
class Slot implements HubAttachment {
  client: RoomsClient | null = null;
  /** Lines held back by flood control, oldest first; null while there are none. */
  backlog: RoomsInput[] | null = null;
  timer: Timer | null = null;
  /** Closes the connection unless it has registered by then (--registration-timeout). */
  deadline: Timer | null = null;
  detached = false;
  /** Where it is counted in the metrics' connection gauge. */
  counted: number;

  constructor(
    readonly hub: RoomsHub,
    readonly conn: LineConnection,
    readonly bucket: TokenBucket | null,
  ) {
    this.counted = connectionSlot(conn.websocket ? "websocket" : "unknown", conn.transport);
    countConnection(this.counted, 1);
  }

  post(message: unknown): void {
    this.hub.message(this, message as RoomsPost);
  }

  detach(): void {
    this.hub.detach(this);
  }
}

/** The client of a connection refused at its first line (a ban): it hears nothing more. */
const BANNED: RoomsClient = {
  input() {},
  lineError() {},
  end() {},
  closed() {},
  shutdown() {},
  drop() {},
  registered: false,
  timedOut() {},
  failed() {},
};

/** The attachment of a connection refused at once (too many from its address): it hears nothing more. */
const REFUSED: HubAttachment = { post() {}, detach() {} };

export class RoomsHub implements Hub {
  private readonly slots = new Set<Slot>();
  private readonly perIp = new Map<string, number>();
  private readonly connectRate = new ConnectRate();
  private readonly frontends = new Map<"seed" | "irc", RoomsFrontend>();

  constructor(
    private readonly context: RoomsContext,
    private readonly factories: FrontendFactories,
  ) {}

  attach(conn: LineConnection): HubAttachment {
    const { config } = this.context;
    const ip = conn.peer.address;
    if (config.maxClients > 0 && this.slots.size >= config.maxClients) {
      this.context.log.warn({ conn: conn.id, ip }, "server full (%d connections): refused", this.slots.size);
      this.frontend("irc").refuse(conn, "Too many connections on this server");
      return REFUSED;
    }
    const limited = config.limitLoopback || !isLoopback(ip);
    if (
      limited &&
      config.connectRate > 0 &&
      !this.connectRate.allow(ip, config.connectRate, this.context.clock.now())
    ) {
      this.context.log.info({ conn: conn.id, ip }, "connecting too fast: %s", ip);
      this.frontend("irc").refuse(
        conn,
        "Connecting too fast from your IP address: try again in a few seconds",
      );
      return REFUSED;
    }
    const count = (this.perIp.get(ip) ?? 0) + 1;
    if (count > config.maxClientsPerIp && limited) {
      // Refused connections are not counted, so a burst of refusals cannot keep the address locked out.
      this.context.log.info({ conn: conn.id, ip }, "too many connections from %s", ip);
      this.frontend("irc").refuse(conn, "Too many connections from your IP address");
      return REFUSED;
    }
    this.perIp.set(ip, count);
    const { flood } = config;
    const slot = new Slot(
      this,
      conn,
      flood.enabled ? new TokenBucket(flood.burst, flood.perSecond, () => this.context.clock.now()) : null,
    );
    this.slots.add(slot);
    if (config.registrationTimeoutMs > 0)
      slot.deadline = this.context.clock.after(config.registrationTimeoutMs, () => this.timedOut(slot));
    return slot;
  }

  /**
   * The registration deadline: a connection still unregistered is closed, however many bytes it has sent
   * (a line never finished counts for nothing). Before its protocol is known, in IRC's words.
   */
  private timedOut(slot: Slot): void {
    slot.deadline = null;
    if (slot.detached || slot.client?.registered) return;
    this.context.log.info({ conn: slot.conn.id, ip: slot.conn.peer.address }, "registration timed out");
    if (slot.client) slot.client.timedOut();
    else {
      const host = slot.conn.peer.address;
      this.frontend("irc").refuse(slot.conn, `Closing Link: ${host} (Registration timed out)`);
    }
  }

  message(slot: Slot, post: RoomsPost): void {
    if (slot.detached) return;
    try {
      this.take(slot, post);
    } catch (err) {
      this.failed(slot, err);
    }
  }

  private take(slot: Slot, post: RoomsPost): void {
    switch (post.t) {
      case "input":
        this.input(slot, post.input);
        return;
      case "line-error":
        this.clientOf(slot, "irc").lineError(post.error);
        return;
      case "seed":
        // The first line of a seed request: its client from now on, though the request is not complete.
        this.clientOf(slot, "seed");
        return;
    }
  }

  detach(slot: Slot): void {
    if (slot.detached) return;
    slot.detached = true;
    this.slots.delete(slot);
    countConnection(slot.counted, -1);
    slot.timer?.cancel();
    slot.deadline?.cancel();
    const ip = slot.conn.peer.address;
    const count = (this.perIp.get(ip) ?? 1) - 1;
    if (count <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, count);
    slot.client?.closed();
  }

  close(): void {
    for (const slot of this.slots) {
      if (slot.client) slot.client.shutdown();
      else this.frontend("irc").refuse(slot.conn, "Server shutting down");
    }
  }

  private input(slot: Slot, input: RoomsInput): void {
    if (slot.backlog !== null || (slot.bucket && !slot.client?.batching && !slot.bucket.take())) {
      slot.backlog ??= [];
      if (slot.backlog.length >= MAX_FLOOD_BACKLOG) {
        this.context.log.info({ conn: slot.conn.id }, "excess flood, closing");
        counters.floodDisconnects += 1;
        if (slot.client) slot.client.drop("Excess Flood");
        else this.frontend("irc").refuse(slot.conn, "Excess Flood");
        return;
      }
      slot.backlog.push(input);
      this.schedule(slot);
      return;
    }
    this.dispatch(slot, input);
  }

  /**
   * A bug met by one client's input: the stack is logged once, that client alone is closed (told so), and
   * the server and everyone else carry on.
   */
  private failed(slot: Slot, err: unknown): void {
    this.context.log.error(
      { err, conn: slot.conn.id, ip: slot.conn.peer.address },
      "a client's input failed: closing that connection",
    );
    try {
      if (slot.client) slot.client.failed();
      else this.frontend("irc").refuse(slot.conn, "Internal server error");
    } catch {
      // Even saying so failed: the connection goes without a word.
      slot.conn.close();
    }
  }

  private dispatch(slot: Slot, input: RoomsInput): void {
    // The end of input waits behind a flood backlog like any line, so nothing is answered out of order.
    if (input.protocol === "end") this.clientOf(slot, "irc").end();
    else {
      const client = this.clientOf(slot, input.protocol);
      client.input(input);
      if (client.owed) {
        slot.bucket?.charge(client.owed);
        client.owed = 0;
      }
      if (slot.deadline !== null && client.registered) {
        slot.deadline.cancel();
        slot.deadline = null;
      }
    }
  }

  private schedule(slot: Slot): void {
    if (slot.timer || !slot.bucket) return;
    slot.timer = this.context.clock.after(slot.bucket.wait(), () => {
      slot.timer = null;
      // The lines of a multiline batch go with it, counted when it ends.
      while (slot.backlog !== null && (slot.client?.batching || slot.bucket?.take())) {
        const next = slot.backlog.shift() as RoomsInput;
        if (slot.backlog.length === 0) slot.backlog = null;
        try {
          this.dispatch(slot, next);
        } catch (err) {
          this.failed(slot, err);
          return;
        }
      }
      if (slot.backlog !== null) this.schedule(slot);
    });
  }

  /**
   * The client's front-end is chosen by the first thing it says; before that, errors are IRC's. An address
   * under a ban is refused then, in that protocol's words (its user@host is checked again at registration).
   */
  private clientOf(slot: Slot, protocol: "seed" | "irc"): RoomsClient {
    if (slot.client) return slot.client;
    const frontend = this.frontend(protocol);
    const { address } = slot.conn.peer;
    const ban = this.context.registry.serverBanOf({ username: "", hostname: address, address });
    if (ban) {
      this.context.log.info({ conn: slot.conn.id, ip: address, mask: ban.mask }, "banned: refused");
      frontend.refuseBanned(slot.conn, ban);
      slot.client = BANNED;
    } else slot.client = frontend.open(slot.conn);
    if (!slot.conn.websocket) {
      countConnection(slot.counted, -1);
      slot.counted = connectionSlot(protocol, slot.conn.transport);
      countConnection(slot.counted, 1);
    }
    return slot.client;
  }

  private frontend(protocol: "seed" | "irc"): RoomsFrontend {
    let frontend = this.frontends.get(protocol);
    if (!frontend) {
      frontend = this.factories[protocol](this.context);
      this.frontends.set(protocol, frontend);
    }
    return frontend;
  }
}

/** What a rooms session posts to the hub. Plain data: it may cross a MessagePort. */
export type RoomsPost =
  | { t: "input"; input: RoomsInput }
  | { t: "line-error"; error: LineError }
  /** The client's first line is the seed protocol's (sent once, before its first request is complete). */
  | { t: "seed" };

export function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127.");
}
