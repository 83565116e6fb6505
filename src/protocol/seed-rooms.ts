// The seed rooms protocol (seed 004): requests are blocks of `KEY: value` lines. The reader turns lines into
// requests; the format functions build the server's replies. Pure: no sockets, no rooms.

/** The first words of the seed protocol's requests; a connection that starts with one speaks it. */
export const SEED_COMMANDS = [
  "HELO",
  "JOIN_CHATROOM",
  "CHAT",
  "LEAVE_CHATROOM",
  "DISCONNECT",
  "KILL_SERVICE",
] as const;

/** Every error a seed client can get, by its ERROR_CODE. The list is documented in docs/seed-rooms-protocol.md. */
export const SeedError = {
  InvalidFormat: 1,
  NoSuchRoom: 2,
  UnknownClient: 3,
  NotInRoom: 4,
  InvalidName: 5,
  NameInUse: 6,
  NameMismatch: 7,
  CannotJoin: 8,
  CannotSend: 9,
  KillDisabled: 10,
  LineTooLong: 11,
  InvalidUtf8: 12,
  TooManyRequests: 13,
  ServerShutdown: 14,
  SendQueueExceeded: 15,
  /** Not an answer to a request: the server tells the client about itself (the bus between nodes). */
  ServerNotice: 16,
  /** Disconnected or refused by the server: an operator's KILL, or a ban (K-line, D-line). */
  Disconnected: 17,
  /** The name is a registered account's: only its owner, logged in over IRC, may use it. */
  NameRegistered: 18,
} as const;
export type SeedError = (typeof SeedError)[keyof typeof SeedError];

export type SeedInput =
  | { kind: "helo"; text: string }
  | { kind: "join"; room: string; clientIp: string; port: string; name: string }
  | { kind: "leave"; roomRef: string; joinId: string; name: string }
  | { kind: "chat"; roomRef: string; joinId: string; name: string; message: string }
  | { kind: "disconnect"; address: string; port: string; name: string }
  | { kind: "kill" }
  /** A request that could not be read: `detail` says how (the front-end's error table words it). */
  | { kind: "error"; detail: string };

/** The keys of each block request, in order; the first is the command itself. */
const BLOCKS = {
  JOIN_CHATROOM: ["JOIN_CHATROOM", "CLIENT_IP", "PORT", "CLIENT_NAME"],
  LEAVE_CHATROOM: ["LEAVE_CHATROOM", "JOIN_ID", "CLIENT_NAME"],
  CHAT: ["CHAT", "JOIN_ID", "CLIENT_NAME", "MESSAGE"],
  DISCONNECT: ["DISCONNECT", "PORT", "CLIENT_NAME"],
} as const;
type BlockCommand = keyof typeof BLOCKS;

function isBlockCommand(key: string): key is BlockCommand {
  return Object.hasOwn(BLOCKS, key);
}

/** `KEY: value` → ["KEY", "value"], the value trimmed; null when the line has no key. */
export function splitField(line: string): [string, string] | null {
  const colon = line.indexOf(":");
  if (colon <= 0) return null;
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

/**
 * Reads requests line by line. A block request is complete when its last key arrives (CHAT's closing blank
 * line is then just a blank line between requests). A request that breaks off is answered with one error,
 * and the rest of its lines are passed over, so one bad request never causes a string of errors.
 */
export class SeedReader {
  private command: BlockCommand | null = null;
  private fields: string[] = [];
  /** Lines still to pass over after a broken block. */
  private skipping = 0;

  /** One line without its terminator → the requests and errors it completes (usually none or one). */
  push(line: string): SeedInput[] {
    if (this.skipping > 0) {
      if (line === "" || startsRequest(line)) this.skipping = 0;
      else {
        this.skipping -= 1;
        return [];
      }
    }
    if (this.command) return this.next(line);
    if (line.trim() === "") return [];
    const word = firstWord(line);
    if (word === "HELO" && (line.length === 4 || line[4] === " "))
      return [{ kind: "helo", text: line.slice(4).trim() }];
    if (word === "KILL_SERVICE" && line.trim() === word) return [{ kind: "kill" }];
    const field = splitField(line);
    if (field && isBlockCommand(field[0])) {
      this.command = field[0];
      this.fields = [field[1]];
      return [];
    }
    return [formatError(`unknown request ${quote(line)}`)];
  }

  /** The input ended: a block left unfinished is an error. */
  end(): SeedInput | null {
    if (!this.command) return null;
    const command = this.command;
    this.reset();
    return formatError(`incomplete ${command} request at end of input`);
  }

  /** Forget a block in progress (one of its lines could not be read). */
  discard(): void {
    if (this.command) this.skipping = BLOCKS[this.command].length - this.fields.length - 1;
    this.reset();
  }

  private next(line: string): SeedInput[] {
    const command = this.command as BlockCommand;
    const keys = BLOCKS[command];
    const expected = keys[this.fields.length] as string;
    const field = splitField(line);
    if (!field || field[0] !== expected) {
      const remaining = keys.length - this.fields.length - 1;
      this.reset();
      const got = line.trim() === "" ? "an empty line" : quote(line);
      const error = formatError(`${command} expects ${expected} next, got ${got}`);
      // The offending line may start the next request: read it as one rather than pass it over.
      if (startsRequest(line)) return [error, ...this.push(line)];
      this.skipping = line === "" ? 0 : remaining;
      return [error];
    }
    this.fields.push(field[1]);
    if (this.fields.length < keys.length) return [];
    const values = this.fields;
    this.reset();
    return [request(command, values)];
  }

  private reset(): void {
    this.command = null;
    this.fields = [];
  }
}

function request(command: BlockCommand, v: string[]): SeedInput {
  const [a = "", b = "", c = "", d = ""] = v;
  switch (command) {
    case "JOIN_CHATROOM":
      return { kind: "join", room: a, clientIp: b, port: c, name: d };
    case "LEAVE_CHATROOM":
      return { kind: "leave", roomRef: a, joinId: b, name: c };
    case "CHAT":
      return { kind: "chat", roomRef: a, joinId: b, name: c, message: d };
    case "DISCONNECT":
      return { kind: "disconnect", address: a, port: b, name: c };
  }
}

function startsRequest(line: string): boolean {
  return (SEED_COMMANDS as readonly string[]).includes(firstWord(line));
}

function firstWord(line: string): string {
  return /^[A-Z_]+/.exec(line)?.[0] ?? "";
}

function formatError(detail: string): SeedInput {
  return { kind: "error", detail };
}

/** A line as quoted in an error: cut short, so an error never echoes a whole flood back. */
function quote(line: string): string {
  const shown = line.length > 60 ? `${line.slice(0, 60)}...` : line;
  return JSON.stringify(shown);
}

// ---- replies. Each returns the block's lines; the connection adds a LF to each.

export interface Address {
  address: string;
  port: number;
}

export function heloReply(text: string, server: Address, studentId: string): string[] {
  return [`HELO ${text}`, `IP:${server.address}`, `Port:${server.port}`, `StudentID:${studentId}`];
}

export function joinedReply(room: string, server: Address, roomRef: number, joinId: number): string[] {
  return [
    `JOINED_CHATROOM: ${room}`,
    `SERVER_IP: ${server.address}`,
    `PORT: ${server.port}`,
    `ROOM_REF: ${roomRef}`,
    `JOIN_ID: ${joinId}`,
  ];
}

export function leftReply(roomRef: number | string, joinId: number): string[] {
  return [`LEFT_CHATROOM: ${roomRef}`, `JOIN_ID: ${joinId}`];
}

/** A chat message; it ends with an empty line, as the protocol's CHAT does. */
export function chatReply(roomRef: number, name: string, message: string): string[] {
  return [`CHAT: ${roomRef}`, `CLIENT_NAME: ${name}`, `MESSAGE: ${oneLine(message)}`, ""];
}

export function errorReply(code: SeedError, description: string): string[] {
  return [`ERROR_CODE: ${code}`, `ERROR_DESCRIPTION: ${oneLine(description)}`];
}

export function joinedNotice(name: string): string {
  return `${name} has joined this chatroom.`;
}

export function leftNotice(name: string): string {
  return `${name} has left this chatroom.`;
}

/** Text from elsewhere (IRC) kept to one line, so it cannot forge a block. */
function oneLine(text: string): string {
  return /[\r\n\0]/.test(text) ? text.replace(/[\r\n\0]/g, " ") : text;
}
