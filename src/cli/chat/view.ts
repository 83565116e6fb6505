import type { ChatCommand } from "./command.js";

// How a chat protocol shows things to the person: messages with time, room and sender; notes; errors.
export interface ChatView {
  message(
    room: string | null,
    from: string,
    text: string,
    options?: { action?: boolean; notice?: boolean; time?: Date },
  ): void;
  info(text: string, room?: string | null): void;
  error(text: string): void;
  /** The server refused us (a bad nickname, say): shown as an error, and the session ends in failure. */
  fatal(text: string): void;
}

/** A chat protocol speaking to a server for one person. */
export interface ChatProtocol {
  /** The room plain text goes to. */
  readonly currentRoom: string | null;
  /** Waiting for the server (registration, a join in flight): later commands should wait too. */
  readonly busy: boolean;
  /** Connected: register, join the first rooms. */
  start(): void;
  input(command: ChatCommand): void;
  /** One line from the server. */
  received(line: string): void;
  /** Leave the server politely; the server closes the connection after. */
  quit(reason?: string): void;
}

export function clock(time: Date = new Date()): string {
  return time.toTimeString().slice(0, 8);
}

/** `[12:00:01] #lobby <alice> hello`, `[12:00:01] #lobby * alice waves`. */
export function formatMessage(
  room: string | null,
  from: string,
  text: string,
  options: { action?: boolean; notice?: boolean; time?: Date } = {},
): string {
  const where = room ? `${room} ` : "(private) ";
  const who = options.action ? `* ${from}` : options.notice ? `-${from}-` : `<${from}>`;
  return `[${clock(options.time)}] ${where}${who} ${text}`;
}

/** `[12:00:01] #lobby -- bob joined`, `[12:00:01] -- bob quit`: what happened, not what someone said. */
export function formatInfo(text: string, room: string | null = null, time?: Date): string {
  return `[${clock(time)}] ${room ? `${room} ` : ""}-- ${text}`;
}

/** `[12:00:01] ! No such nick/channel`. */
export function formatError(text: string, time?: Date): string {
  return `[${clock(time)}] ! ${text}`;
}
