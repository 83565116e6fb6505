// The last messages of a room (or of the private messages of a node), by msgid: who sent each, so that a
// redaction (IRCv3 draft/message-redaction) is decided on any node without asking the store. A ring of fixed
// size, filled as messages are applied on every node, so every node knows the same; a message older than
// the ring's size is too old to redact.

/** Messages a room remembers for redaction. */
export const RECENT_PER_ROOM = 256;
/** Private messages a node remembers for redaction. */
export const RECENT_PRIVATE = 1024;
/** How long after it was sent a message may be redacted, but by a server operator. */
export const REDACTION_WINDOW_MS = 3_600_000;

export interface RecentMessage {
  /** The sender's id; null for the server. */
  from: number | null;
  /** The recipient's id for a private message; null in a room. */
  to: number | null;
  /** When it was sent, in milliseconds. */
  time: number;
}

export class RecentMessages {
  private readonly ids: string[] = [];
  private readonly froms: Array<number | null> = [];
  private readonly tos: Array<number | null> = [];
  private readonly times: number[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  /** On the fan-out path: four stores, nothing allocated once the ring is full. */
  add(id: string, from: number | null, to: number | null, time: number): void {
    const at = this.next;
    this.ids[at] = id;
    this.froms[at] = from;
    this.tos[at] = to;
    this.times[at] = time;
    this.next = at + 1 === this.size ? 0 : at + 1;
  }

  find(id: string): RecentMessage | undefined {
    const at = this.ids.indexOf(id);
    if (at === -1) return undefined;
    return { from: this.froms[at] ?? null, to: this.tos[at] ?? null, time: this.times[at] ?? 0 };
  }

  /** Forget a message (redacted): it cannot be redacted twice. */
  remove(id: string): void {
    const at = this.ids.indexOf(id);
    if (at !== -1) this.ids[at] = "";
  }
}
