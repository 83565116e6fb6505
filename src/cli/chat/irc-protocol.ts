// `tcpchat chat --protocol irc`: enough of an IRC client for a person: register, join, talk, follow the room.
import { parseIrcLine } from "../../protocol/irc/message.js";
import { fold as casefold } from "../../rooms/core/casemap.js";
import type { ChatCommand } from "./command.js";
import type { ChatProtocol, ChatView } from "./view.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: CTCP ACTION is framed by \x01
const ACTION = /^\x01ACTION ([^\x01]*)\x01?$/;
/** The PING token that marks the end of the server's answer to a JOIN (a JOIN may get no answer at all). */
const JOIN_DONE = "tcpchat-join";
/** Numerics that refuse registration: the nickname (after retries), the password, a ban. */
const REGISTRATION_REFUSED = new Set(["431", "432", "433", "436", "464", "465"]);

export class IrcChatProtocol implements ChatProtocol {
  private nick: string;
  private registered = false;
  private readonly rooms: string[] = [];
  private current: string | null = null;
  private triedNicks = 0;
  /** JOINs sent whose answer is not complete yet (each is followed by a PING JOIN_DONE). */
  private joining = 0;
  private quitting = false;

  constructor(
    nick: string,
    private readonly send: (line: string) => void,
    private readonly view: ChatView,
    private readonly firstRooms: string[] = [],
    private readonly password: string | null = null,
  ) {
    this.nick = nick;
  }

  get currentRoom(): string | null {
    return this.current;
  }

  get busy(): boolean {
    return !this.registered || this.joining > 0;
  }

  start(): void {
    if (this.password !== null) this.send(`PASS ${this.password}`);
    this.send(`NICK ${this.nick}`);
    this.send(`USER ${this.nick} 0 * :${this.nick} (tcpchat)`);
  }

  input(command: ChatCommand): void {
    switch (command.kind) {
      case "say":
        if (!this.current) {
          this.view.error("join a room first: /join <room>");
          return;
        }
        this.send(`PRIVMSG ${this.current} :${command.text}`);
        this.view.message(this.current, this.nick, command.text);
        return;
      case "me":
        if (!this.current) {
          this.view.error("join a room first: /join <room>");
          return;
        }
        this.send(`PRIVMSG ${this.current} :\x01ACTION ${command.text}\x01`);
        this.view.message(this.current, this.nick, command.text, { action: true });
        return;
      case "msg":
        this.send(`PRIVMSG ${command.target} :${command.text}`);
        this.view.message(
          command.target.startsWith("#") ? command.target : null,
          `${this.nick} → ${command.target}`,
          command.text,
        );
        return;
      case "join": {
        const joined = this.room(channel(command.room));
        if (joined) {
          // The server would answer nothing at all: say where we are instead.
          this.current = joined;
          this.view.info(`already in ${joined}; now talking there`, joined);
          return;
        }
        this.joining += 1;
        this.send(`JOIN ${channel(command.room)}${command.key ? ` ${command.key}` : ""}`);
        // The server answers in order: its PONG comes after everything it had to say about the JOIN.
        this.send(`PING ${JOIN_DONE}`);
        return;
      }
      case "part": {
        // `/part #room why`, `/part room why` for a joined room, else `/part why` for the current room.
        const named = command.room && (command.room.startsWith("#") || this.room(channel(command.room)));
        const room = named ? channel(command.room as string) : this.current;
        const reason = named ? command.reason : [command.room, command.reason].filter(Boolean).join(" ");
        if (!room) {
          this.view.error("not in a room");
          return;
        }
        this.send(`PART ${room}${reason ? ` :${reason}` : ""}`);
        return;
      }
      case "nick":
        this.send(`NICK ${command.nick}`);
        return;
      case "names": {
        const room = command.room ? channel(command.room) : this.current;
        this.send(room ? `NAMES ${room}` : "NAMES");
        return;
      }
      case "list":
        this.send("LIST");
        return;
      case "topic":
        if (!this.current) {
          this.view.error("join a room first: /join <room>");
          return;
        }
        this.send(
          command.text === undefined ? `TOPIC ${this.current}` : `TOPIC ${this.current} :${command.text}`,
        );
        return;
      case "switch": {
        const room = this.room(channel(command.room));
        if (!room) {
          this.view.error(`not in ${command.room}; /join it first`);
          return;
        }
        this.current = room;
        this.view.info(`now talking in ${room}`, room);
        return;
      }
      case "quit":
        this.quit(command.reason);
        return;
      case "help":
      case "invalid":
        return;
    }
  }

  quit(reason?: string): void {
    this.quitting = true;
    this.send(reason ? `QUIT :${reason}` : "QUIT");
  }

  received(line: string): void {
    const message = parseIrcLine(line);
    if (!message) return;
    const { command, params } = message;
    const from = message.source?.split("!")[0] ?? "";
    const last = params.at(-1) ?? "";
    const time = message.tags.time ? new Date(message.tags.time) : undefined;
    switch (command) {
      case "PING":
        this.send(`PONG :${last}`);
        return;
      case "PONG":
        if (last === JOIN_DONE) this.joining = Math.max(0, this.joining - 1);
        return;
      case "001":
        this.registered = true;
        this.nick = params[0] ?? this.nick;
        this.view.info(last);
        for (const room of this.firstRooms) this.input({ kind: "join", room });
        return;
      case "433":
        if (!this.registered && this.triedNicks < 5) {
          this.triedNicks += 1;
          this.nick = `${this.nick}_`;
          this.view.info(`nickname taken, trying ${this.nick}`);
          this.send(`NICK ${this.nick}`);
          return;
        }
        break;
      case "JOIN": {
        const room = params[0] ?? "";
        if (from === this.nick) {
          if (!this.room(room)) this.rooms.push(room);
          this.current = room;
          this.view.info(`you joined ${room}`, room);
        } else {
          this.view.info(`${from} joined`, room);
        }
        return;
      }
      case "PART":
      case "KICK": {
        const room = params[0] ?? "";
        const who = command === "KICK" ? (params[1] ?? "") : from;
        const why =
          command === "KICK"
            ? `kicked by ${from}${params[2] ? `: ${params[2]}` : ""}`
            : params[1]
              ? `(${params[1]})`
              : "";
        if (who === this.nick) {
          const left = this.room(room);
          if (left) this.rooms.splice(this.rooms.indexOf(left), 1);
          this.view.info(`you left ${room} ${why}`.trim(), room);
          if (left && this.current === left) {
            this.current = this.rooms[0] ?? null;
            if (this.current) this.view.info(`now talking in ${this.current}`, this.current);
          }
        } else {
          this.view.info(`${who} left ${why}`.trim(), room);
        }
        return;
      }
      case "QUIT":
        this.view.info(`${from} quit${last ? ` (${last})` : ""}`);
        return;
      case "NICK":
        if (from === this.nick) this.nick = last;
        this.view.info(`${from} is now known as ${last}`);
        return;
      case "TOPIC":
        this.view.info(`${from} set the topic: ${last}`, params[0]);
        return;
      case "PRIVMSG":
      case "NOTICE": {
        const target = params[0] ?? "";
        const room = target.startsWith("#") ? target : null;
        const action = ACTION.exec(last);
        if (from === this.nick && room) return; // our own echo (echo-message)
        this.view.message(room, from || "server", action ? (action[1] ?? "") : last, {
          action: action !== null,
          notice: command === "NOTICE",
          time,
        });
        return;
      }
      case "ERROR":
        // After our QUIT the server says goodbye with ERROR: that is no error.
        if (this.quitting) this.view.info(last);
        else this.view.error(last);
        return;
      case "332":
        this.view.info(`topic: ${last}`, params[1]);
        return;
      case "353":
        this.view.info(`names: ${last}`, params[2]);
        return;
      case "422": // no message of the day: nothing wrong
        this.view.info(last);
        return;
      case "322":
        this.view.info(`${params[1]} (${params[2]} users)${last ? ` ${last}` : ""}`);
        return;
      case "366":
      case "323":
      case "321":
      case "333":
        return;
      default:
        if (/^\d\d\d$/.test(command) && !/^[45]/.test(command)) {
          this.view.info(params.slice(1).join(" "));
          return;
        }
        break;
    }
    if (!/^[45]\d\d$/.test(command)) return;
    // An error numeric: `<me> [what it is about...] :<why>`.
    const about = params.slice(1, -1).join(" ");
    const text = about ? `${about}: ${last}` : last;
    if (!this.registered && REGISTRATION_REFUSED.has(command)) this.view.fatal(text);
    else this.view.error(text);
  }

  /** The joined room with this name, as the server spells it (IRC names are case-insensitive). */
  private room(name: string): string | undefined {
    const folded = casefold(name);
    return this.rooms.find((r) => casefold(r) === folded);
  }
}

function channel(name: string): string {
  return name.startsWith("#") ? name : `#${name}`;
}
