// The rooms server's console: the person at the server has the seed's "authority to add a client to several
// rooms", and an IRC operator's other powers, whichever protocol the user speaks.

import { createInterface, type Interface } from "node:readline";
import type { ConsoleIO } from "../services/operator.js";
import { addedText, BAN_NAMES, banTerms, liftMask, readBanRequest } from "./ban-commands.js";
import type { RoomError } from "./core/registry.js";
import { looksLikeDuration, type ServerBanKind } from "./core/server-bans.js";
import type { User } from "./core/user.js";
import type { RoomsContext } from "./hub.js";
import { rehashHandler } from "./rehash.js";

export const ROOMS_CONSOLE_HELP = [
  "/rooms                      list the rooms: members and topic",
  "/who [room]                 list the users, or a room's members",
  "/join <nick> <room>         put a user into a room",
  "/part <nick> <room>         take a user out of a room",
  "/kick <room> <nick> [why]   kick a user out of a room, telling the room",
  "/kill <nick> [why]          disconnect a user",
  "/say <room> <text>          speak in a room as the server",
  "/topic <room> [text]        set (or clear) a room's topic",
  "/kline [time] <user@host|nick> [why]  ban a user@host (time: minutes, or 1h30m, 2d; none: permanent)",
  "/unkline <user@host>        lift a K-line",
  "/dline [time] <ip[/bits]|nick> [why]  ban an address or CIDR block",
  "/undline <ip[/bits]>        lift a D-line",
  "/rehash                     re-read the configuration and MOTD files",
  "/stats [k|d]                uptime, users and rooms; or the K-lines or D-lines",
  "/help                       this list",
];

export class RoomsConsole {
  private readonly input: Interface;

  constructor(
    private readonly context: RoomsContext,
    private readonly io: ConsoleIO,
  ) {
    this.input = createInterface({ input: io.input, terminal: false });
    this.input.on("line", (line) => this.command(line));
  }

  close(): void {
    this.input.close();
  }

  /** Run one console line, and print what it did or why not. */
  command(line: string): void {
    for (const out of this.run(line.trim())) this.io.print(out);
  }

  private run(text: string): string[] {
    if (text === "") return [];
    const words = text.split(/\s+/);
    const [name = "", first, second] = words;
    const rest = (n: number) => words.slice(n + 1).join(" ");
    const registry = this.context.registry;
    switch (name) {
      case "/rooms":
        return this.rooms();
      case "/who":
        return first === undefined ? this.users() : this.members(first);
      case "/join": {
        if (!first || !second) return ["usage: /join <nick> <room>"];
        const user = registry.findUser(first);
        if (!user) return [noUser(first)];
        const error = registry.forceJoin(null, user, roomName(second));
        return [outcome(error, `${user.nick} joined ${roomName(second)}`)];
      }
      case "/part": {
        if (!first || !second) return ["usage: /part <nick> <room>"];
        const user = registry.findUser(first);
        const room = registry.findRoom(roomName(second));
        if (!user) return [noUser(first)];
        if (!room) return [noRoom(second)];
        return [
          outcome(
            registry.forcePart(null, user, room, "Removed by the server"),
            `${user.nick} left ${room.name}`,
          ),
        ];
      }
      case "/kick": {
        if (!first || !second) return ["usage: /kick <room> <nick> [reason]"];
        const room = registry.findRoom(roomName(first));
        const user = registry.findUser(second);
        if (!room) return [noRoom(first)];
        if (!user) return [noUser(second)];
        const error = registry.kick(null, room, user, rest(2) || "Kicked by the server");
        return [outcome(error, `kicked ${user.nick} out of ${room.name}`)];
      }
      case "/kill": {
        if (!first) return ["usage: /kill <nick> [reason]"];
        const user = registry.findUser(first);
        if (!user) return [noUser(first)];
        const reason = `Killed by the server (${rest(1) || "no reason"})`;
        return [outcome(registry.kill(null, user, reason), `disconnected ${user.nick}`)];
      }
      case "/say": {
        if (!first || rest(1) === "") return ["usage: /say <room> <text>"];
        const room = registry.findRoom(roomName(first));
        if (!room) return [noRoom(first)];
        return [outcome(registry.message(null, room, rest(1), "privmsg"), `said to ${room.name}`)];
      }
      case "/topic": {
        if (!first) return ["usage: /topic <room> [text]"];
        const room = registry.findRoom(roomName(first));
        if (!room) return [noRoom(first)];
        return [outcome(registry.setTopic(null, room, rest(1)), `topic of ${room.name} set`)];
      }
      case "/rehash": {
        const handler = rehashHandler();
        if (!handler) return ["* nothing to re-read"];
        void handler.rehash("/rehash").then((lines) => {
          for (const out of lines) this.io.print(`* ${out}`);
        });
        return [`* re-reading ${handler.source}`];
      }
      case "/kline":
      case "/dline":
        return this.ban(name === "/kline" ? "kline" : "dline", words.slice(1));
      case "/unkline":
      case "/undline":
        return this.lift(name === "/unkline" ? "kline" : "dline", first);
      case "/stats": {
        if (first === "k" || first === "d") return this.bans(first === "k" ? "kline" : "dline");
        const seconds = Math.floor((this.context.clock.now() - this.context.startedAt) / 1000);
        return [
          `* up ${formatUptime(seconds)}, ${registry.users.size} user(s), ${registry.rooms.size} room(s)`,
        ];
      }
      case "/help":
        return ROOMS_CONSOLE_HELP;
      default:
        return [`unknown command ${name}; /help lists them`];
    }
  }

  /** `/kline [time] <mask> [reason]`: the reason is the rest of the line. */
  private ban(kind: ServerBanKind, words: string[]): string[] {
    const at = words[0] !== undefined && looksLikeDuration(words[0]) ? 1 : 0;
    const args = [...words.slice(0, at + 1), words.slice(at + 1).join(" ")];
    const request = readBanRequest(this.context.registry, kind, args);
    if ("missing" in request)
      return [`usage: /${kind} [time] <${kind === "kline" ? "user@host" : "ip[/bits]"}|nick> [reason]`];
    if ("error" in request) return [`* failed: ${request.error}`];
    const setBy = this.context.config.serverName;
    const error = this.context.registry.banServer(null, { ...request.ban, setBy });
    return [outcome(error, addedText(request))];
  }

  private lift(kind: ServerBanKind, text: string | undefined): string[] {
    if (!text) return [`usage: /un${kind} <${kind === "kline" ? "user@host" : "ip[/bits]"}>`];
    const mask = liftMask(kind, text);
    if ("error" in mask) return [`* failed: ${mask.error}`];
    const result = this.context.registry.unbanServer(null, kind, mask.mask);
    if ("error" in result) return [outcome(result.error, "")];
    if (!result.lifted) return [`* no ${BAN_NAMES[kind]} for ${mask.mask}`];
    return [`* removed ${BAN_NAMES[kind]} for ${result.lifted.mask}`];
  }

  private bans(kind: ServerBanKind): string[] {
    const now = this.context.clock.now();
    const bans = this.context.registry.serverBans.active(now, kind);
    if (bans.length === 0) return [`* no ${BAN_NAMES[kind]}s`];
    return bans.map((ban) => `* ${BAN_NAMES[kind]} ${ban.mask} (${banTerms(ban, now)}): ${ban.reason}`);
  }

  private rooms(): string[] {
    const rooms = [...this.context.registry.rooms.values()];
    if (rooms.length === 0) return ["* no rooms"];
    return rooms.map((room) => {
      const topic = room.topic ? `: ${room.topic.text}` : "";
      return `* ${room.name} (ref ${room.ref}) ${room.members.size} member(s)${topic}`;
    });
  }

  private users(): string[] {
    const users = [...this.context.registry.users.values()];
    if (users.length === 0) return ["* no users"];
    return users.map((user) => {
      const rooms = [...user.rooms].map((room) => room.name).join(" ");
      return `* ${user.nick} ${describe(user)}${rooms ? ` in ${rooms}` : ""}`;
    });
  }

  private members(name: string): string[] {
    const room = this.context.registry.findRoom(roomName(name));
    if (!room) return [noRoom(name)];
    return [...room.members.keys()].map((user) => `* ${room.prefixed(user)} ${describe(user)}`);
  }
}

function outcome(error: RoomError | null, success: string): string {
  return error ? `* failed: ${error}` : `* ${success}`;
}

function noUser(nick: string): string {
  return `* no user ${nick}; /who lists them`;
}

function noRoom(name: string): string {
  return `* no room ${roomName(name)}; /rooms lists them`;
}

/** Rooms are named as either protocol writes them: "lobby" is "#lobby". */
function roomName(name: string): string {
  return name.startsWith("#") ? name : `#${name}`;
}

function describe(user: User): string {
  const oper = user.oper ? ", operator" : "";
  return `(${user.protocol}, ${user.hostname}${oper}${user.away !== null ? ", away" : ""})`;
}

/** `D days H:MM:SS`, as STATS u says it. */
export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const clock = [Math.floor(seconds / 3600) % 24, Math.floor(seconds / 60) % 60, seconds % 60]
    .map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, "0")))
    .join(":");
  return `${days} days ${clock}`;
}
