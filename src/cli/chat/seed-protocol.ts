// `tcpchat chat --protocol seed`: the seed rooms protocol (seed 004) from the client's side.
import type { ChatCommand } from "./command.js";
import type { ChatProtocol, ChatView } from "./view.js";

interface JoinedRoom {
  name: string;
  ref: string;
  joinId: string;
}

/** How many lines each reply block has, by its first key (CHAT also ends with a blank line). */
const BLOCK_LINES: Record<string, number> = {
  HELO: 4,
  JOINED_CHATROOM: 5,
  LEFT_CHATROOM: 2,
  CHAT: 4,
  ERROR_CODE: 2,
};

const NOTICE = /^(.+) has (joined|left) this chatroom\.$/;

export class SeedChatProtocol implements ChatProtocol {
  private readonly rooms = new Map<string, JoinedRoom>();
  private current: JoinedRoom | null = null;
  private block: string[] = [];
  private joining = 0;

  constructor(
    private readonly nick: string,
    private readonly send: (line: string) => void,
    private readonly view: ChatView,
    private readonly firstRooms: string[] = [],
  ) {}

  get currentRoom(): string | null {
    return this.current?.name ?? null;
  }

  get busy(): boolean {
    return this.joining > 0;
  }

  start(): void {
    for (const room of this.firstRooms) this.input({ kind: "join", room });
  }

  input(command: ChatCommand): void {
    switch (command.kind) {
      case "join":
        this.joining += 1;
        this.sendBlock([
          `JOIN_CHATROOM: ${roomName(command.room)}`,
          "CLIENT_IP: 0",
          "PORT: 0",
          `CLIENT_NAME: ${this.nick}`,
        ]);
        return;
      case "say":
      case "me": {
        const room = this.current;
        if (!room) {
          this.view.error("join a room first: /join <room>");
          return;
        }
        const text = command.kind === "me" ? `* ${this.nick} ${command.text}` : command.text;
        this.sendBlock([
          `CHAT: ${room.ref}`,
          `JOIN_ID: ${room.joinId}`,
          `CLIENT_NAME: ${this.nick}`,
          `MESSAGE: ${text}`,
          "",
        ]);
        return;
      }
      case "part": {
        const room = command.room ? this.rooms.get(key(command.room)) : this.current;
        if (!room) {
          this.view.error(command.room ? `not in ${command.room}` : "not in a room");
          return;
        }
        this.sendBlock([
          `LEAVE_CHATROOM: ${room.ref}`,
          `JOIN_ID: ${room.joinId}`,
          `CLIENT_NAME: ${this.nick}`,
        ]);
        return;
      }
      case "switch": {
        const room = this.rooms.get(key(command.room));
        if (!room) {
          this.view.error(`not in ${command.room}; /join it first`);
          return;
        }
        this.current = room;
        this.view.info(`now talking in ${room.name}`, room.name);
        return;
      }
      case "quit":
        this.quit();
        return;
      case "help":
      case "invalid":
        return;
      default:
        this.view.error(`/${command.kind} is not part of the seed rooms protocol (use --protocol irc)`);
    }
  }

  quit(): void {
    this.sendBlock(["DISCONNECT: 0", "PORT: 0", `CLIENT_NAME: ${this.nick}`]);
  }

  received(line: string): void {
    if (this.block.length === 0 && line === "") return;
    this.block.push(line);
    const first = this.block[0] ?? "";
    const keyword = /^[A-Z_]+/.exec(first)?.[0] ?? "";
    const expected = BLOCK_LINES[keyword];
    if (expected === undefined) {
      this.view.info(first);
      this.block = [];
      return;
    }
    if (this.block.length < expected) return;
    const fields = new Map<string, string>();
    for (const entry of this.block) {
      const at = entry.indexOf(":");
      if (at > 0) fields.set(entry.slice(0, at).trim(), entry.slice(at + 1).trim());
    }
    this.block = [];
    this.handle(keyword, fields, first);
  }

  private handle(keyword: string, fields: Map<string, string>, first: string): void {
    switch (keyword) {
      case "JOINED_CHATROOM": {
        const room = {
          name: fields.get("JOINED_CHATROOM") ?? "?",
          ref: fields.get("ROOM_REF") ?? "",
          joinId: fields.get("JOIN_ID") ?? "",
        };
        this.rooms.set(key(room.name), room);
        this.current = room;
        this.joining = Math.max(0, this.joining - 1);
        this.view.info(`joined ${room.name} (room ${room.ref})`, room.name);
        return;
      }
      case "LEFT_CHATROOM": {
        const ref = fields.get("LEFT_CHATROOM");
        for (const [name, room] of this.rooms) {
          if (room.ref !== ref) continue;
          this.rooms.delete(name);
          this.view.info(`left ${room.name}`, room.name);
          if (this.current === room) {
            this.current = this.rooms.values().next().value ?? null;
            if (this.current) this.view.info(`now talking in ${this.current.name}`, this.current.name);
          }
        }
        return;
      }
      case "CHAT": {
        const ref = fields.get("CHAT");
        const room = [...this.rooms.values()].find((r) => r.ref === ref);
        const from = fields.get("CLIENT_NAME") ?? "?";
        const text = fields.get("MESSAGE") ?? "";
        const where = room?.name ?? `room ${ref}`;
        const notice = NOTICE.exec(text);
        // The protocol has no actions: /me goes out as "* <nick> <action>" (IRC users' too).
        const action = `* ${from} `;
        if (notice && notice[1] === from) this.view.info(text, where);
        else if (text.startsWith(action) && text.length > action.length)
          this.view.message(where, from, text.slice(action.length), { action: true });
        else this.view.message(where, from, text);
        return;
      }
      case "ERROR_CODE":
        // Requests are answered in order, so an error while a join is pending answers that join.
        this.joining = Math.max(0, this.joining - 1);
        this.view.error(`${fields.get("ERROR_DESCRIPTION") ?? "error"} (code ${fields.get("ERROR_CODE")})`);
        return;
      default:
        this.view.info(first);
    }
  }

  private sendBlock(lines: string[]): void {
    this.send(lines.join("\n"));
  }
}

/** Seed rooms have no '#'; accept one from habit. */
function roomName(name: string): string {
  return name.startsWith("#") ? name.slice(1) : name;
}

function key(name: string): string {
  return roomName(name).toLowerCase();
}
