// The tables of the store, as Kysely sees them. One interface per table; a migration in migrations.ts creates
// or changes each. Times are milliseconds since the epoch (BIGINT, read back as numbers).
import type { Generated } from "kysely";

/** Every PRIVMSG and NOTICE to a room, as it was delivered. */
export interface MessagesTable {
  /** Insertion order: breaks ties between messages of the same millisecond. */
  id: Generated<number>;
  /** The IRCv3 msgid, unique across nodes: only the node that decided a message writes it. */
  msgid: string;
  /** The room's folded name. */
  target: string;
  /** "privmsg" or "notice". */
  kind: string;
  time: number;
  /** `nick!user@host` of the sender when it spoke. */
  sender: string;
  /** The sender's account, or null. */
  account: string | null;
  text: string;
  /** The message's client-only tags as JSON, or null. */
  tags: string | null;
}

export interface Database {
  messages: MessagesTable;
}
