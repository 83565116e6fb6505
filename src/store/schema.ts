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

/** Accounts (NickServ, SASL, draft/account-registration, `tcpchat account`), by folded name. */
export interface AccountsTable {
  /** The name folded as nicknames fold: one account per folded name. */
  key: string;
  /** As registered, its case kept. */
  name: string;
  email: string | null;
  /** scrypt as a PHC string (password-hash.ts): PLAIN and NickServ IDENTIFY check it. */
  password_hash: string;
  /** SCRAM-SHA-256's salt (base64), iteration count, StoredKey and ServerKey (base64). */
  scram_salt: string;
  scram_iterations: number;
  scram_stored_key: string;
  scram_server_key: string;
  created_at: number;
}

/** TLS client certificates that log in to an account (SASL EXTERNAL): each fingerprint is one account's. */
export interface AccountCertificatesTable {
  /** SHA-256 of the certificate, lower-case hex. */
  fingerprint: string;
  /** The account's folded name (`accounts.key`). */
  account: string;
  added_at: number;
}

/** Channels registered with ChanServ, by folded name, with the state they keep while empty. */
export interface ChannelsTable {
  key: string;
  /** As registered, with its '#'. */
  name: string;
  /** The founder's account, as registered. */
  founder: string;
  registered_at: number;
  /** The topic, who set it (`nick!user@host` or `server`) and when; all null without one. */
  topic: string | null;
  topic_set_by: string | null;
  topic_set_at: number | null;
  /** Modes +i, +m, +n, +s, +t: 1 when set. */
  invite_only: number;
  moderated: number;
  no_external: number;
  secret: number;
  topic_locked: number;
  /** +k and +l; null when unset. */
  join_key: string | null;
  member_limit: number | null;
}

/** A registered channel's mask lists: bans (b), ban exceptions (e), invite exceptions (I), in order. */
export interface ChannelMasksTable {
  /** The channel's folded name (`channels.key`). */
  channel: string;
  /** "b", "e" or "I". */
  list: string;
  /** The entry's place in its list. */
  position: number;
  mask: string;
  set_by: string;
  set_at: number;
}

/** Read markers (IRCv3 draft/read-marker): per account and target, the time read up to; only ever later. */
export interface ReadMarkersTable {
  /** The account's folded name. */
  account: string;
  /** The channel's or nick's folded name. */
  target: string;
  time: number;
}

export interface Database {
  messages: MessagesTable;
  server_bans: ServerBansTable;
  accounts: AccountsTable;
  account_certificates: AccountCertificatesTable;
  channels: ChannelsTable;
  channel_masks: ChannelMasksTable;
  read_markers: ReadMarkersTable;
}
