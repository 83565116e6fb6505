// The tables of the store, as Kysely sees them. One interface per table; a migration in migrations.ts creates
// or changes each. Times are milliseconds since the epoch (BIGINT, read back as numbers).
import type { Generated } from "kysely";

/** Every PRIVMSG and NOTICE to a room, and between two logged-in accounts, as it was delivered. */
export interface MessagesTable {
  /** Insertion order: breaks ties between messages of the same millisecond. */
  id: Generated<number>;
  /** The IRCv3 msgid, unique across nodes: only the node that decided a message writes it. */
  msgid: string;
  /** The room's folded name, or a conversation's two folded accounts (`alice bob`: no room has a space). */
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
  /** A private message: the nick it was sent to, as the sender wrote it; null for a room's. */
  recipient: Generated<string | null>;
  /** A private message between two accounts: their folded names in order (`target` is both, a space
   * between); null for a room's. */
  party_a: Generated<string | null>;
  party_b: Generated<string | null>;
}

/**
 * Server bans (K-lines, D-lines), one row per kind and mask: the last change to it, a ban set or a ban lifted
 * (kept so that an older change heard later does not bring it back), with the stamp that orders changes.
 */
export interface ServerBansTable {
  /** "kline" or "dline". */
  kind: string;
  /** The mask folded: the key with `kind`. */
  key: string;
  /** The mask as set (K-line) or canonical (D-line). */
  mask: string;
  reason: string;
  set_by: string;
  set_at: number;
  /** When it ends; null for a permanent ban. */
  expires_at: number | null;
  /** 1 once lifted (the row stays with the lift's stamp), else 0. */
  lifted: number;
  stamp_time: number;
  stamp_origin: string;
  stamp_id: string;
}

export interface Database {
  messages: MessagesTable;
  server_bans: ServerBansTable;
}
