// The command table: for each command its handler, whether it may come before registration, and how many
// parameters it needs at least. The dispatcher (client.ts) checks the last two, so handlers never do.
import type { IrcInput } from "../../protocol/irc/message.js";
import { accountCommands } from "./accounts.js";
import { channelCommands } from "./channels.js";
import { chathistoryCommands } from "./chathistory.js";
import type { IrcClient } from "./client.js";
import { messageCommands } from "./messages.js";
import { metadataCommands } from "./metadata.js";
import { monitorCommands } from "./monitor.js";
import { multilineCommands } from "./multiline.js";
import { operatorCommands } from "./operators.js";
import { queryCommands } from "./queries.js";
import { readMarkerCommands } from "./read-markers.js";
import { redactionCommands } from "./redaction.js";
import { registrationCommands } from "./registration.js";
import { renameCommands } from "./rename.js";
import { serverAdminCommands } from "./server-admin.js";
import { serverBanCommands } from "./server-bans.js";
import { serverInfoCommands } from "./server-info.js";

export type Handler = (client: IrcClient, params: string[], message: IrcInput) => void;

export interface CommandSpec {
  handler: Handler;
  /** Allowed before the client has registered (NICK, USER, CAP, PASS, PING, PONG, QUIT). */
  beforeRegistration: boolean;
  /** Fewer parameters than this get ERR_NEEDMOREPARAMS. */
  minParams: number;
}

export type CommandTable = Record<string, CommandSpec>;

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  Object.entries({
    ...registrationCommands,
    ...accountCommands,
    ...channelCommands,
    ...messageCommands,
    ...metadataCommands,
    ...monitorCommands,
    ...multilineCommands,
    ...queryCommands,
    ...readMarkerCommands,
    ...redactionCommands,
    ...renameCommands,
    ...operatorCommands,
    ...serverAdminCommands,
    ...serverInfoCommands,
    ...serverBanCommands,
    ...chathistoryCommands,
  }),
);
