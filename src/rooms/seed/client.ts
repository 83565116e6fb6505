// One seed-protocol connection: the requests of ROOMS-PROTOCOL.md turned into room operations. Replies that
// depend on the room's state (JOINED_CHATROOM, LEFT_CHATROOM) are written when the room's event arrives, so
// they come before any chat of that room, in the order the room saw things.

import { LineError } from "../../protocol/line-framer.js";
import { errorReply, heloReply, leftReply, SeedError, type SeedInput } from "../../protocol/seed-rooms.js";
import type { StoredMessage } from "../../store/history.js";
import type { Endpoint, LineConnection, OverflowListener } from "../../transport/line-connection.js";
import { fold } from "../core/casemap.js";
import { InputError } from "../core/errors.js";
import { RoomError, type RoomRegistry } from "../core/registry.js";
import { banNotice } from "../core/server-bans.js";
import { User } from "../core/user.js";
import type { RoomsClient } from "../hub.js";
import type { RoomsInput } from "../session.js";
import { seedError } from "./errors.js";
import type { SeedFrontend } from "./frontend.js";

export class SeedUser extends User {
  constructor(
    readonly client: SeedClient,
    id: number,
    frontend: SeedFrontend,
    hostname: string,
    connectedAt: number,
  ) {
    super(id, "seed", frontend, "", hostname, connectedAt);
    this.realname = "seed rooms protocol client";
  }
}

export class SeedClient implements RoomsClient, OverflowListener {
  readonly user: SeedUser;
  /** Has a name in the registry (from its first JOIN_CHATROOM). */
  registered = false;
  closing = false;
  /** The room name as this client wrote it in the join being answered, for JOINED_CHATROOM. */
  joiningAs: string | null = null;
  /** The history sent with the join being answered (--seed-history). */
  replay: readonly StoredMessage[] | null = null;
  /** While a join waits for its history, what the client sends next waits too, in order. */
  private waiting: RoomsInput[] | null = null;
  private endWaiting = false;

  constructor(
    readonly frontend: SeedFrontend,
    readonly conn: LineConnection,
  ) {
    this.user = new SeedUser(
      this,
      frontend.context.registry.userId(conn.id),
      frontend,
      unmapped(conn.peer.address),
      frontend.context.clock.now(),
    );
    conn.overflowListener = this;
  }

  sendQueueOverflowed(): string {
    this.leave("SendQ exceeded", true);
    return block(errorReply(SeedError.SendQueueExceeded, "send queue exceeded: the client is not reading"));
  }

  get registry(): RoomRegistry {
    return this.frontend.context.registry;
  }

  /** The address and port the client reached, as HELO and JOINED_CHATROOM report them. */
  get server(): Endpoint {
    return { address: unmapped(this.conn.local.address), port: this.conn.local.port };
  }

  send(lines: string[]): void {
    this.conn.send(block(lines));
  }

  error(code: SeedError, description: string): void {
    this.send(errorReply(code, description));
  }

  // ---- RoomsClient

  input(input: RoomsInput): void {
    if (this.closing || input.protocol !== "seed") return;
    if (this.waiting !== null) this.waiting.push(input);
    else this.handle(input.request);
  }

  lineError(error: LineError): void {
    if (this.closing) return;
    this.error(
      ...seedError(error === LineError.TooLong ? InputError.LineTooLong : InputError.InvalidUtf8, {}),
    );
  }

  end(): void {
    if (this.waiting !== null) {
      this.endWaiting = true;
      return;
    }
    // Every request before the end has been answered: leave, then close.
    this.leave("Client closed the connection", false);
    this.conn.close();
  }

  closed(): void {
    this.leave("Connection lost", false);
  }

  shutdown(): void {
    if (this.closing) return;
    this.closing = true;
    this.conn.close(block(errorReply(SeedError.ServerShutdown, "server shutting down")));
  }

  drop(reason: string): void {
    this.closeWith(reason, SeedError.TooManyRequests, `${reason}: too many requests too fast`);
  }

  failed(): void {
    this.closeWith(
      "Internal server error",
      SeedError.Disconnected,
      "disconnected by the server (internal error)",
    );
  }

  /** No JOIN_CHATROOM (which names the connection) within --registration-timeout. */
  timedOut(): void {
    const seconds = this.frontend.context.config.registrationTimeoutMs / 1000;
    this.closeWith(
      "Registration timed out",
      SeedError.Disconnected,
      `disconnected by the server (registration timed out: no JOIN_CHATROOM within ${seconds} s)`,
    );
  }

  /** Leave (the others are told `reason`), then close with the error `code`. */
  closeWith(reason: string, code: SeedError, description: string): void {
    if (this.closing) return;
    this.leave(reason, false);
    this.conn.close(block(errorReply(code, description)));
  }

  /** Leave every room (the others are told) and the registry; once only. */
  private leave(reason: string, later: boolean): void {
    this.closing = true;
    if (!this.registered) return;
    this.registered = false;
    // From inside a write (a send queue overflowing mid fan-out) the notices wait for that fan-out to end.
    if (later) queueMicrotask(() => this.registry.remove(this.user, reason));
    else this.registry.remove(this.user, reason);
  }

  // ---- requests

  private handle(request: SeedInput): void {
    switch (request.kind) {
      case "helo":
        this.send(heloReply(request.text, this.server, this.frontend.context.config.studentId));
        return;
      case "join":
        this.join(request.room, request.name);
        return;
      case "leave":
        this.leaveRoom(request.roomRef, request.joinId, request.name);
        return;
      case "chat":
        this.chat(request.roomRef, request.joinId, request.name, request.message);
        return;
      case "disconnect":
        this.leave("Disconnected", false);
        this.conn.close();
        return;
      case "kill":
        this.kill();
        return;
      case "error":
        this.error(...seedError(InputError.InvalidFormat, { detail: request.detail }));
        return;
    }
  }

  private join(written: string, name: string): void {
    const seedName = written.startsWith("#") ? written.slice(1) : written;
    const roomName = `#${seedName}`;
    if (seedName === "" || !this.registry.isValidRoomName(roomName)) {
      const max = this.registry.limits.roomNameLength - 1;
      this.error(
        SeedError.InvalidName,
        `invalid room name ${JSON.stringify(written)}: 1 to ${max} characters, no spaces, commas or colons`,
      );
      return;
    }
    if (!this.claimName(name)) return;
    const existing = this.registry.findRoom(roomName);
    if (existing?.members.has(this.user)) {
      // Joined already: the same answer again, and no second notice.
      this.send(this.frontend.joinedLines(seedName, existing, this.user, this.server));
      return;
    }
    const count = this.frontend.context.config.seedHistory;
    if (count <= 0) {
      this.enter(seedName, roomName, null);
      return;
    }
    // The history is read first, so that it comes before the join notice; the client's next requests wait.
    this.waiting = [];
    this.frontend.context.history
      .read((h) => h.latest(fold(roomName), null, count))
      .catch((err) => {
        this.frontend.context.log.warn({ err }, "seed history: the store did not answer");
        return [];
      })
      .then((messages) => {
        if (!this.closing) this.enter(seedName, roomName, messages);
        const waiting = this.waiting ?? [];
        this.waiting = null;
        for (const input of waiting) this.input(input);
        if (this.endWaiting && this.waiting === null) {
          this.endWaiting = false;
          this.end();
        }
      });
  }

  private enter(seedName: string, roomName: string, replay: readonly StoredMessage[] | null): void {
    this.joiningAs = seedName;
    this.replay = replay;
    const result = this.registry.join(this.user, roomName);
    this.joiningAs = null;
    this.replay = null;
    if ("error" in result) this.error(...seedError(result.error, { room: seedName }));
  }

  /** The first join names the connection; later requests must use the same name. */
  private claimName(name: string): boolean {
    if (this.registered) return this.checkName(name);
    if (!this.registry.isValidNick(name)) {
      this.error(
        SeedError.InvalidName,
        `invalid CLIENT_NAME ${JSON.stringify(name)}: 1 to ${this.registry.limits.nickLength} letters, digits or -[]\\\`^{|}_, not starting with a digit or -`,
      );
      return false;
    }
    // The seed protocol cannot log in: a registered name is never its to take.
    if (this.frontend.context.accounts.isRegistered(name)) {
      this.error(...seedError(RoomError.NickRegistered, { name }));
      return false;
    }
    this.user.nick = name;
    this.user.username = name;
    const ban = this.registry.serverBanOf({
      username: name,
      hostname: this.user.hostname,
      address: this.conn.peer.address,
    });
    if (ban) {
      this.user.nick = "";
      this.closeWith("", SeedError.Disconnected, `banned from this server (${banNotice(ban)})`);
      return false;
    }
    const error = this.registry.add(this.user);
    if (error === RoomError.NickInUse) {
      this.user.nick = "";
      this.error(SeedError.NameInUse, `the name ${name} is in use`);
      return false;
    }
    this.registered = true;
    return true;
  }

  private checkName(name: string): boolean {
    if (fold(name) === fold(this.user.nick)) return true;
    this.error(
      SeedError.NameMismatch,
      `CLIENT_NAME ${JSON.stringify(name)} is not this connection's name (${this.user.nick})`,
    );
    return false;
  }

  /** ROOM_REF and JOIN_ID checks shared by LEAVE_CHATROOM and CHAT; the ref as a number when they pass. */
  private checkRequest(roomRef: string, joinId: string, name: string): number | null {
    const ref = /^\d+$/.test(roomRef) ? Number(roomRef) : Number.NaN;
    if (!this.registry.isKnownRef(ref)) {
      this.error(SeedError.NoSuchRoom, `no chat room with ROOM_REF ${JSON.stringify(roomRef)}`);
      return null;
    }
    if (!this.registered || joinId.trim() !== String(this.user.id)) {
      const known = this.registered
        ? ` (this connection's JOIN_ID is ${this.user.id})`
        : "; join a room first";
      this.error(SeedError.UnknownClient, `unknown client: JOIN_ID ${JSON.stringify(joinId)}${known}`);
      return null;
    }
    return this.checkName(name) ? ref : null;
  }

  private leaveRoom(roomRef: string, joinId: string, name: string): void {
    const ref = this.checkRequest(roomRef, joinId, name);
    if (ref === null) return;
    const room = this.registry.roomByRef(ref);
    // LEFT_CHATROOM comes with the room's part event; a repeated leave gets the same answer at once.
    if (room?.members.has(this.user)) this.registry.part(this.user, room, "");
    else this.send(leftReply(ref, this.user.id));
  }

  private chat(roomRef: string, joinId: string, name: string, message: string): void {
    const ref = this.checkRequest(roomRef, joinId, name);
    if (ref === null) return;
    const room = this.registry.roomByRef(ref);
    if (!room?.members.has(this.user)) {
      this.error(SeedError.NotInRoom, `not in the room with ROOM_REF ${ref}: join it first`);
      return;
    }
    const error = this.registry.message(this.user, room, message, "privmsg");
    if (error) this.error(...seedError(error, { room: room.name.slice(1) }));
  }

  private kill(): void {
    const { config, log } = this.frontend.context;
    if (!config.allowKill) {
      this.error(
        SeedError.KillDisabled,
        "KILL_SERVICE is disabled on this server (it runs without --allow-kill)",
      );
      return;
    }
    log.warn({ conn: this.conn.id, peer: this.conn.peer }, "KILL_SERVICE received");
    this.frontend.context.stopServer(`KILL_SERVICE from ${this.user.hostname}`);
  }
}

/** A reply's lines as one write: the connection adds the last LF. */
export function block(lines: readonly string[]): string {
  return lines.join("\n");
}

/** IPv4 clients of a dual-stack listener appear as ::ffff:a.b.c.d; report the IPv4 address. */
export function unmapped(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
