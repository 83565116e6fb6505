// IRCv3 draft/read-marker: MARKREAD gets or sets the time a user last read a channel or a conversation up
// to. Kept per account by the core (an operation on every node, in the store, told to all the account's
// connections with the capability); a client logged in to no account keeps its own for its connection.
import { formatTimestamp, parseTimestamp } from "../../protocol/irc/chathistory.js";
import { fold } from "../core/casemap.js";
import type { Room } from "../core/room.js";
import { Cap } from "./caps.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";

// MARKREAD <target> [timestamp=<YYYY-MM-DDThh:mm:ss.sssZ>]
function markread(client: IrcClient, params: string[]): void {
  const [given, stamp] = params;
  const fail = (code: string, ...rest: string[]) => client.standardReply("FAIL", "MARKREAD", code, ...rest);
  if (given === undefined || given === "") {
    fail("NEED_MORE_PARAMS", "Missing parameters");
    return;
  }
  const target = targetName(client, given);
  if (target === null) {
    fail("INVALID_PARAMS", given, "Invalid parameters");
    return;
  }
  const { registry, user } = client;
  const account = user.account;
  if (stamp === undefined) {
    const known = account === null ? (client.readMarkers?.get(fold(target)) ?? null) : null;
    sendMarker(client, target, account === null ? known : registry.readMarkers.get(account, target));
    return;
  }
  // A set names a time: `*` is only for the server to say there is none.
  const wanted = stamp.startsWith("timestamp=") ? parseTimestamp(stamp.slice("timestamp=".length)) : null;
  if (wanted === null) {
    fail("INVALID_PARAMS", stamp, "Invalid parameters");
    return;
  }
  if (account === null) {
    sendMarker(client, target, markOwn(client, target, Math.min(wanted, registry.clock.now())));
    return;
  }
  const before = registry.readMarkers.get(account, target);
  const after = registry.markRead(user, target, wanted);
  // A marker that moved is told to the account's connections with the capability, this one among them.
  if (after !== before && client.has(Cap.ReadMarker)) return;
  sendMarker(client, target, after);
}

/** A marker of a client logged in to no account, kept for its connection: moved forward only. */
function markOwn(client: IrcClient, target: string, time: number): number {
  client.readMarkers ??= new Map();
  const key = fold(target);
  const known = client.readMarkers.get(key);
  if (known !== undefined && known >= time) return known;
  client.readMarkers.set(key, time);
  return time;
}

/** A channel by its name as the room writes it, or a nick as its user does; null for neither. */
function targetName(client: IrcClient, name: string): string | null {
  const { registry } = client;
  if (name.startsWith("#")) {
    if (!registry.isValidRoomName(name)) return null;
    return registry.findRoom(name)?.name ?? name;
  }
  if (!registry.isValidNick(name)) return null;
  return registry.findUser(name)?.nick ?? name;
}

/** `MARKREAD <target> <timestamp=… | *>` from the server. */
export function markreadLine(server: string, target: string, time: number | null): string {
  return `:${server} MARKREAD ${target} ${time === null ? "*" : `timestamp=${formatTimestamp(time)}`}`;
}

function sendMarker(client: IrcClient, target: string, time: number | null): void {
  client.send(markreadLine(client.frontend.serverName, target, time));
}

/** After its JOIN, a client with the capability is told its marker for the room (before the names end). */
export function sendJoinMarker(client: IrcClient, room: Room): void {
  if (!client.has(Cap.ReadMarker)) return;
  const account = client.user.account;
  const time =
    account === null
      ? (client.readMarkers?.get(fold(room.name)) ?? null)
      : client.registry.readMarkers.get(account, room.name);
  sendMarker(client, room.name, time);
}

export const readMarkerCommands: CommandTable = {
  MARKREAD: { handler: markread, beforeRegistration: false, minParams: 0 },
};
