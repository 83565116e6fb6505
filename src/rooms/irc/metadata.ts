// IRCv3 draft/metadata-2: METADATA <target> GET|LIST|SET|CLEAR|SUB|UNSUB|SUBS|SYNC. Users and channels hold
// key-value metadata, changed as operations of the core on every node; each connection subscribes to the
// keys it wants to hear of, and is told (METADATA from the server) of changes to those keys on itself, its
// channels and the users who share one with it, except the changes it made itself. A client may set its
// own before it registers (before-connect): it is told them in a `metadata` batch once registered.
import { utf8Length } from "../../protocol/irc/message.js";
import {
  RPL_KEYNOTSET,
  RPL_KEYVALUE,
  RPL_METADATASUBOK,
  RPL_METADATASUBS,
  RPL_METADATAUNSUBOK,
  RPL_WHOISKEYVALUE,
} from "../../protocol/irc/numerics.js";
import { RoomError } from "../core/errors.js";
import type { RoomEvent } from "../core/events.js";
import { Room } from "../core/room.js";
import type { User } from "../core/user.js";
import { Cap } from "./caps.js";
import type { IrcClient, IrcUser } from "./client.js";
import type { CommandTable } from "./commands.js";
import { METADATA_MAX_KEYS, METADATA_MAX_SUBS, METADATA_MAX_VALUE_BYTES } from "./limits.js";
import { withText } from "./replies.js";

/** Key names: lower-case letters, digits and `_./-` (the specification's), at most this long. */
const KEY = /^[a-z0-9_./-]+$/;
const MAX_KEY_LENGTH = 64;

/** Every key is visible to everyone: the visibility parameter is always `*`. */
const VISIBLE = "*";

/** The keys WHOIS shows (760), chosen as the specification asks: those a person reads at a glance. */
const WHOIS_KEYS = ["display-name", "homepage", "status"];

export function isValidKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && KEY.test(key);
}

type Fail = (code: string, ...params: string[]) => void;

// METADATA <target> <subcommand> [<param>...]
function metadata(client: IrcClient, params: string[]): void {
  const [name, sub] = params as [string, string];
  const subcommand = sub.toUpperCase();
  const fail: Fail = (code, ...rest) => client.standardReply("FAIL", "METADATA", code, ...rest);
  const keys = params.slice(2);
  switch (subcommand) {
    case "SUB":
    case "UNSUB":
    case "SUBS":
      if (subcommand !== "SUBS" && keys.length === 0) {
        client.refuse(RoomError.NeedMoreParams, { command: "METADATA" });
        return;
      }
      if (subcommand === "SUB") subscribe(client, keys, fail);
      else if (subcommand === "UNSUB") unsubscribe(client, keys, fail);
      else listSubscriptions(client);
      return;
    case "GET":
    case "LIST":
    case "SET":
    case "CLEAR":
    case "SYNC":
      break;
    default:
      fail("SUBCOMMAND_INVALID", sub, "Invalid subcommand");
      return;
  }
  const target = findTarget(client, name);
  if (target === null) {
    fail("INVALID_TARGET", name, "Invalid metadata target");
    return;
  }
  // Replies name the target as the client did: `*` for itself.
  const shown = name === "*" ? "*" : target instanceof Room ? target.name : target.nick;
  if (subcommand === "SET" || subcommand === "CLEAR") {
    if (subcommand === "SET" && keys.length === 0) {
      client.refuse(RoomError.NeedMoreParams, { command: "METADATA" });
      return;
    }
    if (subcommand === "SET") set(client, target, shown, keys[0] as string, params[3], fail);
    else clear(client, target, shown, fail);
    return;
  }
  if (target instanceof Room && !canSee(client, target)) {
    fail("KEY_NO_PERMISSION", shown, keys[0] ?? "*", "You may not see the metadata of this channel");
    return;
  }
  if (subcommand === "GET") {
    if (keys.length === 0) {
      client.refuse(RoomError.NeedMoreParams, { command: "METADATA" });
      return;
    }
    client.batch("metadata", [shown], () => {
      for (const key of keys) {
        if (!isValidKey(key)) fail("KEY_INVALID", key, "Invalid key");
        else keyValue(client, shown, key, target.metadata?.get(key) ?? null);
      }
    });
  } else if (subcommand === "LIST") {
    client.batch("metadata", [shown], () => {
      for (const [key, value] of target.metadata ?? []) keyValue(client, shown, key, value);
    });
  } else sync(client, target);
}

/** `*` is the client itself; a nick a user, a channel a room; null for neither. */
function findTarget(client: IrcClient, name: string): User | Room | null {
  if (name === "*") return client.user;
  if (!client.registered) return null;
  const registry = client.registry;
  const found = name.startsWith("#") ? registry.findRoom(name) : registry.findUser(name);
  if (!found || (found instanceof Room && found.modes.secret && !found.members.has(client.user))) return null;
  return found;
}

/** A channel's metadata is its members' (and server operators') to see. */
function canSee(client: IrcClient, room: Room): boolean {
  return room.members.has(client.user) || client.user.oper;
}

/** 761 with the value, or 766 when the key is not set. */
function keyValue(client: IrcClient, target: string, key: string, value: string | null): void {
  if (value === null) client.numeric(RPL_KEYNOTSET, target, key, "key not set");
  else client.numeric(RPL_KEYVALUE, target, key, VISIBLE, value);
}

// METADATA <target> SET <key> [:<value>]   (no value: the key is removed)
function set(
  client: IrcClient,
  target: User | Room,
  shown: string,
  key: string,
  value: string | undefined,
  fail: Fail,
): void {
  if (!isValidKey(key)) {
    fail("KEY_INVALID", key, "Invalid key");
    return;
  }
  if (value !== undefined && utf8Length(value) > METADATA_MAX_VALUE_BYTES) {
    fail("VALUE_INVALID", `Values are at most ${METADATA_MAX_VALUE_BYTES} bytes`);
    return;
  }
  const refusal = client.registry.setMetadata(
    client.user,
    target,
    [{ key, value: value ?? null }],
    METADATA_MAX_KEYS,
  );
  if (refusal === "permission") {
    fail("KEY_NO_PERMISSION", shown, key, "You may not change the metadata of this target");
    return;
  }
  if (refusal === "limit") {
    fail("LIMIT_REACHED", shown, "Metadata limit reached");
    return;
  }
  if (refusal === "not-set") {
    fail("KEY_NOT_SET", shown, key, "Key not set");
    return;
  }
  keyValue(client, shown, key, value ?? null);
}

// METADATA <target> CLEAR
function clear(client: IrcClient, target: User | Room, shown: string, fail: Fail): void {
  const keys = [...(target.metadata?.keys() ?? [])];
  const refusal = client.registry.setMetadata(
    client.user,
    target,
    keys.map((key) => ({ key, value: null })),
    METADATA_MAX_KEYS,
  );
  if (refusal !== null) {
    fail("KEY_NO_PERMISSION", shown, "*", "You may not change the metadata of this target");
    return;
  }
  client.batch("metadata", [shown], () => {
    for (const key of keys) keyValue(client, shown, key, null);
  });
}

// METADATA * SUB <key>...   Keys in order; past the limit none more, the first not taken named.
function subscribe(client: IrcClient, keys: readonly string[], fail: Fail): void {
  client.metadataSubs ??= new Set();
  const subs = client.metadataSubs;
  const taken: string[] = [];
  for (const key of keys) {
    if (!isValidKey(key)) {
      fail("KEY_INVALID", key, "Invalid key");
      continue;
    }
    if (!subs.has(key) && subs.size >= METADATA_MAX_SUBS) {
      fail("TOO_MANY_SUBS", key, "Too many subscriptions");
      break;
    }
    subs.add(key);
    if (!taken.includes(key)) taken.push(key);
  }
  sendKeys(client, RPL_METADATASUBOK, taken);
}

// METADATA * UNSUB <key>...
function unsubscribe(client: IrcClient, keys: readonly string[], fail: Fail): void {
  const gone: string[] = [];
  for (const key of keys) {
    if (!isValidKey(key)) {
      fail("KEY_INVALID", key, "Invalid key");
      continue;
    }
    client.metadataSubs?.delete(key);
    if (!gone.includes(key)) gone.push(key);
  }
  sendKeys(client, RPL_METADATAUNSUBOK, gone);
}

// METADATA * SUBS   (in a metadata-subs batch)
function listSubscriptions(client: IrcClient): void {
  client.batch("metadata-subs", [], () =>
    sendKeys(client, RPL_METADATASUBS, [...(client.metadataSubs ?? [])]),
  );
}

/** Keys as the parameters of `numeric`, as many lines as 512 bytes need; nothing for none. */
function sendKeys(client: IrcClient, numeric: string, keys: readonly string[]): void {
  const head = utf8Length(`:${client.frontend.serverName} ${numeric} ${client.name} :`);
  let line: string[] = [];
  let bytes = head;
  for (const key of keys) {
    if (line.length > 0 && bytes + 1 + key.length > 500) {
      client.numeric(numeric, ...line);
      line = [];
      bytes = head;
    }
    line.push(key);
    bytes += key.length + 1;
  }
  if (line.length > 0) client.numeric(numeric, ...line);
}

/** `METADATA <target> <key> * :<value>` from the server (no value: removed). */
function metadataLine(server: string, target: string, key: string, value: string | null): string {
  const head = `:${server} METADATA ${target} ${key} ${VISIBLE}`;
  return value === null ? head : withText(head, value);
}

/** The target's subscribed keys as METADATA lines; for a channel its members' too (SYNC, JOIN). */
function sendSubscribed(client: IrcClient, target: User | Room): void {
  const subs = client.metadataSubs;
  if (!subs || subs.size === 0) return;
  const server = client.frontend.serverName;
  const name = target instanceof Room ? target.name : target.nick;
  for (const [key, value] of target.metadata ?? [])
    if (subs.has(key)) client.send(metadataLine(server, name, key, value));
  if (target instanceof Room)
    for (const member of target.members.keys()) {
      if (member === client.user) continue;
      for (const [key, value] of member.metadata ?? [])
        if (subs.has(key)) client.send(metadataLine(server, member.nick, key, value));
    }
}

// METADATA <target> SYNC: what one subscribed to, at once (never ERR_METADATASYNCLATER)
function sync(client: IrcClient, target: User | Room): void {
  client.batch("metadata", [target instanceof Room ? target.name : target.nick], () =>
    sendSubscribed(client, target),
  );
}

/** After its JOIN, a client with the capability is told the subscribed metadata of the room and its members. */
export function sendJoinMetadata(client: IrcClient, room: Room): void {
  if (!client.has(Cap.Metadata) || !client.metadataSubs || client.metadataSubs.size === 0) return;
  if (!hasSubscribed(client, room)) return;
  sync(client, room);
}

function hasSubscribed(client: IrcClient, room: Room): boolean {
  const subs = client.metadataSubs as Set<string>;
  const any = (target: User | Room) => [...(target.metadata?.keys() ?? [])].some((key) => subs.has(key));
  if (any(room)) return true;
  for (const member of room.members.keys()) if (member !== client.user && any(member)) return true;
  return false;
}

/** At the end of the welcome, a client with the capability is told its own metadata (set before connecting). */
export function sendOwnMetadata(client: IrcClient): void {
  if (!client.has(Cap.Metadata)) return;
  const { user } = client;
  client.batch("metadata", [user.nick], () => {
    for (const [key, value] of user.metadata ?? [])
      client.send(metadataLine(client.frontend.serverName, user.nick, key, value));
  });
}

/** WHOIS: 760 for the keys chosen to be shown. */
export function sendWhoisMetadata(client: IrcClient, target: User): void {
  for (const key of WHOIS_KEYS) {
    const value = target.metadata?.get(key);
    if (value !== undefined) client.numeric(RPL_WHOISKEYVALUE, target.nick, key, VISIBLE, value);
  }
}

/** The core's metadata event: to each recipient with the capability subscribed to a key, but its author. */
export function deliverMetadata(
  server: string,
  event: Extract<RoomEvent, { type: "metadata" }>,
  recipients: readonly IrcUser[],
): void {
  const target = event.room ? event.room.name : (event.user as User).nick;
  const lines = event.changes.map((change) => ({
    key: change.key,
    line: metadataLine(server, target, change.key, change.value),
  }));
  for (const user of recipients) {
    const client = user.client;
    const subs = client.metadataSubs;
    if (user === event.by || !subs || !client.has(Cap.Metadata) || !client.registered) continue;
    for (const { key, line } of lines) if (subs.has(key)) client.send(line);
  }
}

export const metadataCommands: CommandTable = {
  METADATA: { handler: metadata, beforeRegistration: true, minParams: 2 },
};
