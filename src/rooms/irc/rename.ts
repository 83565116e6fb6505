// IRCv3 draft/channel-rename: RENAME <old> <new> [:reason] by a channel's operators, a rename operation on
// every node. Clients with the capability are told RENAME; the others PART the old name and JOIN the new
// one with its topic and names (nothing for a change of case only), as the specification's fallback says.
import { truncateUtf8 } from "../../protocol/irc/message.js";
import { fold } from "../core/casemap.js";
import type { RoomEvent } from "../core/events.js";
import { RoomError } from "../core/registry.js";
import { Cap } from "./caps.js";
import type { IrcClient, IrcUser } from "./client.js";
import type { CommandTable } from "./commands.js";
import { EventLine } from "./deliver.js";
import type { IrcFrontend } from "./frontend.js";
import { KICK_LENGTH } from "./limits.js";
import { sendNames, sendTopic, sourceOf, withText } from "./replies.js";

// RENAME <old> <new> [:<reason>]
function rename(client: IrcClient, params: string[]): void {
  const [from, to, reason = ""] = params as [string, string, string?];
  const room = client.registry.findRoom(from);
  if (!room) {
    client.refuse(RoomError.NoSuchRoom, { channel: from });
    return;
  }
  const fail = (code: string, text: string) => client.standardReply("FAIL", "RENAME", code, from, to, text);
  const refusal = client.registry.renameRoom(client.user, room, to, truncateUtf8(reason, KICK_LENGTH));
  if (refusal === null) return;
  if (refusal === "invalid") fail("CANNOT_RENAME", "Invalid channel name");
  else if (refusal === "in-use") fail("CHANNEL_NAME_IN_USE", "The channel name is already taken");
  else if (refusal === "registered") fail("CANNOT_RENAME", "A registered channel cannot be renamed");
  else client.refuse(refusal, { channel: from });
}

/** RENAME to clients with the capability; PART and JOIN again (topic, names) to the others. */
export function deliverRename(
  frontend: IrcFrontend,
  event: Extract<RoomEvent, { type: "rename" }>,
  recipients: readonly IrcUser[],
): void {
  const { room, old, reason } = event;
  const line = new EventLine(
    withText(`:${sourceOf(frontend, event.by)} RENAME ${old} ${room.name}`, reason),
    event.time,
    "",
    event.by,
  );
  const caseOnly = fold(old) === room.key;
  for (const user of recipients) {
    const client = user.client;
    if (client.has(Cap.ChannelRename)) {
      client.sendRaw(line.for(client.caps));
      continue;
    }
    if (caseOnly) continue;
    client.inOnePiece(() => {
      const part = `:${user.mask} PART ${old}`;
      const join = client.has(Cap.ExtendedJoin)
        ? withText(`:${user.mask} JOIN ${room.name} ${user.account ?? "*"}`, user.realname)
        : `:${user.mask} JOIN ${room.name}`;
      client.sendRaw(
        new EventLine(reason === "" ? part : withText(part, reason), event.time).for(client.caps),
      );
      client.sendRaw(new EventLine(join, event.time, "", user).for(client.caps));
      sendTopic(client, room, false);
      sendNames(client, room);
    });
  }
}

export const renameCommands: CommandTable = {
  RENAME: { handler: rename, beforeRegistration: false, minParams: 2 },
};
