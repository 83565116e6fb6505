// What the page shows: conversations (the server's, rooms, private ones), their lines, members and topic.
// Plain data changed in place; whoever changes it calls `changed()` so the view draws again. No DOM.

export type LineKind =
  | "message"
  | "action"
  | "notice"
  | "join"
  | "part"
  | "quit"
  | "kick"
  | "nick"
  | "topic"
  | "info"
  | "error";

/** Kinds of line shown folded together in one quiet line when they follow each other. */
export const QUIET_KINDS: ReadonlySet<LineKind> = new Set(["join", "part", "quit", "nick"]);

export interface Line {
  /** Unique on the page: a key for the view. */
  id: number;
  /** Milliseconds since the epoch: the server's time when it said (server-time), else arrival. */
  time: number;
  kind: LineKind;
  /** Who spoke or acted; "" for the page's own notes. */
  from: string;
  text: string;
  /** The server's id for a message, when it gives one: earlier messages are asked for before it. */
  msgid: string | null;
  /** Said by this page's user. */
  self: boolean;
}

export type ConversationKind = "server" | "channel" | "query";

export interface Conversation {
  /** As shown: `#lobby`, `alice`, or the server's name. */
  name: string;
  kind: ConversationKind;
  lines: Line[];
  /** Members by folded nick: their nick as shown and their highest prefix (`@`, `+`, ""). */
  members: Map<string, { nick: string; prefix: string }>;
  topic: string;
  unread: number;
  /** A message that names this page's user, or a private message, arrived unread. */
  mentioned: boolean;
  /** In the channel now (channels only). */
  joined: boolean;
  /** No earlier messages to ask for. */
  historyDone: boolean;
  historyLoading: boolean;
  /** The oldest message when earlier ones were last asked for (CHATHISTORY BEFORE): they go before it. */
  historyAnchor: Line | null;
  msgids: Set<string>;
}

export const MAX_LINES = 2000;

let nextLineId = 1;

export function newLine(
  kind: LineKind,
  from: string,
  text: string,
  time = Date.now(),
  msgid: string | null = null,
  self = false,
): Line {
  return { id: nextLineId++, time, kind, from, text, msgid, self };
}

export function newConversation(name: string, kind: ConversationKind): Conversation {
  return {
    name,
    kind,
    lines: [],
    members: new Map(),
    topic: "",
    unread: 0,
    mentioned: false,
    joined: false,
    historyDone: false,
    historyLoading: false,
    historyAnchor: null,
    msgids: new Set(),
  };
}

/**
 * Adds a line in time order; a message whose msgid is already there is dropped (history that overlaps
 * what arrived live). Returns whether it was added.
 */
export function addLine(conversation: Conversation, line: Line): boolean {
  if (!remember(conversation, line)) return false;
  const lines = conversation.lines;
  let at = lines.length;
  while (at > 0 && (lines[at - 1] as Line).time > line.time) at--;
  lines.splice(at, 0, line);
  trim(conversation);
  return true;
}

/**
 * Adds a message of earlier history, asked for before `anchor` (the oldest message shown then), after
 * `previous` (the line of the same answer added before it, if any): before the anchor and before lines of the
 * same time, so that messages of one millisecond stay in the server's order. Returns whether it was added.
 */
export function addEarlierLine(
  conversation: Conversation,
  line: Line,
  anchor: Line,
  previous: Line | null,
): boolean {
  const lines = conversation.lines;
  let at = lines.indexOf(anchor);
  if (at === -1) return addLine(conversation, line);
  if (!remember(conversation, line)) return false;
  const floor = previous === null ? 0 : lines.indexOf(previous) + 1;
  while (at > floor && (lines[at - 1] as Line).time >= line.time) at--;
  lines.splice(at, 0, line);
  trim(conversation);
  return true;
}

/** Notes a line's msgid; false if that message is there already. */
function remember(conversation: Conversation, line: Line): boolean {
  if (line.msgid === null) return true;
  if (conversation.msgids.has(line.msgid)) return false;
  conversation.msgids.add(line.msgid);
  return true;
}

function trim(conversation: Conversation): void {
  const lines = conversation.lines;
  if (lines.length <= MAX_LINES) return;
  const dropped = lines.splice(0, lines.length - MAX_LINES);
  for (const old of dropped) if (old.msgid !== null) conversation.msgids.delete(old.msgid);
  conversation.historyDone = false;
}

/** The oldest line with a msgid: earlier history is asked for before it. */
export function oldestMessage(conversation: Conversation): Line | null {
  return conversation.lines.find((line) => line.msgid !== null) ?? null;
}

/** Lines as shown: runs of joins, parts, quits and nick changes become one quiet line. */
export type Shown = { kind: "line"; line: Line } | { kind: "quiet"; id: number; lines: Line[] };

export function foldQuiet(lines: readonly Line[]): Shown[] {
  const shown: Shown[] = [];
  for (const line of lines) {
    const last = shown.at(-1);
    if (QUIET_KINDS.has(line.kind)) {
      if (last?.kind === "quiet") last.lines.push(line);
      else shown.push({ kind: "quiet", id: line.id, lines: [line] });
    } else shown.push({ kind: "line", line });
  }
  return shown;
}

/** `alice joined, bob left, carol is now carla`: a quiet run in one sentence. */
export function describeQuiet(lines: readonly Line[]): string {
  return lines
    .map((line) => {
      switch (line.kind) {
        case "join":
          return `${line.from} joined`;
        case "part":
          return `${line.from} left`;
        case "quit":
          return `${line.from} quit`;
        default:
          return `${line.from} is now ${line.text}`;
      }
    })
    .join(", ");
}
