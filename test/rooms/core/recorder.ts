// The rooms core without sockets: registries with a front-end that records what it is told.
import { ManualClock } from "../../../src/rooms/core/clock.js";
import type { Frontend, RoomEvent } from "../../../src/rooms/core/events.js";
import type { Operation } from "../../../src/rooms/core/operations.js";
import { DEFAULT_ROOM_LIMITS, type RoomLimits, RoomRegistry } from "../../../src/rooms/core/registry.js";
import { type Protocol, User } from "../../../src/rooms/core/user.js";

export interface Delivery {
  event: RoomEvent;
  /** Nicks of the recipients, in order. */
  to: string[];
}

/** A front-end that writes nothing: it keeps every event and every disconnect it was asked for. */
export class RecordingFrontend implements Frontend {
  readonly deliveries: Delivery[] = [];
  readonly disconnected: Array<{ nick: string; reason: string }> = [];

  deliver(event: RoomEvent, recipients: readonly User[]): void {
    this.deliveries.push({ event, to: recipients.map((user) => user.nick) });
  }

  disconnect(user: User, reason: string): void {
    this.disconnected.push({ nick: user.nick, reason });
  }

  /** Events of one type, and who got them. */
  of<T extends RoomEvent["type"]>(type: T): Array<{ event: Extract<RoomEvent, { type: T }>; to: string[] }> {
    return this.deliveries.filter((d) => d.event.type === type) as Array<{
      event: Extract<RoomEvent, { type: T }>;
      to: string[];
    }>;
  }

  clear(): void {
    this.deliveries.length = 0;
    this.disconnected.length = 0;
  }
}

/** A registry on a manual clock whose decided operations are kept in `ops`. */
export function recordingRegistry(limits: Partial<RoomLimits> = {}, clock = new ManualClock()) {
  const registry = new RoomRegistry({ ...DEFAULT_ROOM_LIMITS, ...limits }, clock);
  const ops: Operation[] = [];
  registry.observer = { changed: (op) => ops.push(op) };
  const frontend = new RecordingFrontend();
  let lastId = 0;
  /** A registered user of this registry. */
  const user = (nick: string, protocol: Protocol = "irc"): User => {
    lastId += 1;
    const made = new User(registry.userId(lastId), protocol, frontend, nick, "host.test", clock.now());
    made.username = nick;
    const error = registry.add(made);
    if (error) throw new Error(`cannot add ${nick}: ${error}`);
    return made;
  };
  return { registry, ops, frontend, clock, user };
}
