// IRCv3 draft/message-redaction: REDACT <target> <msgid> [:reason]. The core decides who may (the sender;
// in a room its operators; server operators) among the messages it still remembers; the redaction is an
// operation on every node, told to clients with the capability and dropped from the history.
import { truncateUtf8 } from "../../protocol/irc/message.js";
import { REDACTION_WINDOW_MS } from "../core/recent.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { KICK_LENGTH } from "./limits.js";

// REDACT <target> <msgid> [:<reason>]
function redact(client: IrcClient, params: string[]): void {
  const [name, msgid, reason = ""] = params as [string, string, string?];
  const registry = client.registry;
  const target = name.startsWith("#") ? registry.findRoom(name) : registry.findUser(name);
  const fail = (code: string, ...rest: string[]) => client.standardReply("FAIL", "REDACT", code, ...rest);
  if (!target || msgid === "") {
    fail("INVALID_TARGET", name, `You cannot delete messages from ${name}`);
    return;
  }
  switch (registry.redact(client.user, target, msgid, truncateUtf8(reason, KICK_LENGTH))) {
    case null:
      return;
    case "target":
      fail("INVALID_TARGET", name, `You cannot delete messages from ${name}`);
      return;
    case "unknown":
      fail("UNKNOWN_MSGID", name, msgid, "This message does not exist or is too old");
      return;
    case "forbidden":
      fail("REDACT_FORBIDDEN", name, msgid, "You are not authorised to delete this message");
      return;
    case "expired":
      fail(
        "REDACT_WINDOW_EXPIRED",
        name,
        msgid,
        String(REDACTION_WINDOW_MS / 1000),
        "You can no longer delete this message",
      );
      return;
  }
}

export const redactionCommands: CommandTable = {
  REDACT: { handler: redact, beforeRegistration: false, minParams: 2 },
};
