// IRCv3 draft/chathistory over IRC: the CHATHISTORY command, answered from the store in a `chathistory`
// batch, and the replay of a room's last lines on join for clients that do not ask for history themselves.
import {
  type ChathistoryRequest,
  formatTimestamp,
  isChathistoryFail,
  parseChathistory,
} from "../../protocol/irc/chathistory.js";
import { encodeLine, formatTags } from "../../protocol/irc/message.js";
import {
  conversationPartner,
  conversationTarget,
  type History,
  type StoredMessage,
} from "../../store/history.js";
import { fold } from "../core/casemap.js";
import type { MultilineLine } from "../core/multiline.js";
import type { Room } from "../core/room.js";
import { CONCAT_OFFSETS, storedLines } from "../history.js";
import { Cap } from "./caps.js";
import type { IrcClient } from "./client.js";
import type { CommandTable } from "./commands.js";
import { CHATHISTORY_MAX } from "./limits.js";
import { MultilineLines } from "./multiline.js";
import { withText } from "./replies.js";

const COMMAND = { privmsg: "PRIVMSG", notice: "NOTICE" } as const;

// CHATHISTORY <subcommand> <target> <ref> [<ref>] <limit>  |  CHATHISTORY TARGETS <ts> <ts> <limit>
function chathistory(client: IrcClient, params: string[]): void {
  const request = parseChathistory(params, CHATHISTORY_MAX);
  if (isChathistoryFail(request)) {
    fail(client, request.code, request.context, request.description);
    return;
  }
  if (request.sub === "TARGETS") {
    targets(client, request);
    return;
  }
  const name = request.target;
  if (!name.startsWith("#")) {
    direct(client, request);
    return;
  }
  const room = client.registry.findRoom(name);
  // A room's history is for its members; no one learns more of a room they are not in.
  if (!room?.members.has(client.user)) {
    fail(client, "INVALID_TARGET", [request.sub, name], "Messages could not be retrieved");
    return;
  }
  answerWith(client, request, fold(room.name), room);
}

/**
 * History with a nick: the conversation between the client's account and the account of that nick (the
 * user logged in under it now, else the account of that name). Only those two accounts read it: a client
 * not logged in, or a nick with no account, has none (an empty batch). A nick that is neither online nor
 * registered is not a target.
 */
function direct(client: IrcClient, request: Exclude<ChathistoryRequest, { sub: "TARGETS" }>): void {
  const name = request.target;
  const { registry, accounts } = client.frontend.context;
  const user = registry.isValidNick(name) ? registry.findUser(name) : undefined;
  const registered = registry.isValidNick(name) && accounts.isRegistered(name);
  if (!user && !registered) {
    fail(client, "INVALID_TARGET", [request.sub, name], "Messages could not be retrieved");
    return;
  }
  const mine = client.user.account;
  const theirs = user?.account ?? (registered ? name : null);
  if (mine === null || theirs === null) {
    replay(client, "chathistory", [name], [], undefined);
    return;
  }
  answerWith(client, request, conversationTarget(fold(mine), fold(theirs)), undefined, name);
}

/** The stored messages of `target` the request asks for, in a `chathistory` batch named for `name`. */
function answerWith(
  client: IrcClient,
  request: Exclude<ChathistoryRequest, { sub: "TARGETS" }>,
  target: string,
  room: Room | undefined,
  name: string = room?.name ?? target,
): void {
  const answer = client.later();
  client.frontend.context.history
    .read((h) => query(h, target, request))
    .then(
      (messages) => answer(() => replay(client, "chathistory", [name], messages, room)),
      (err) => {
        client.frontend.context.log.warn({ err }, "CHATHISTORY: the store did not answer");
        answer(() =>
          fail(client, "MESSAGE_ERROR", [request.sub, request.target], "Messages could not be retrieved"),
        );
      },
    );
}

function query(
  history: History,
  target: string,
  request: Exclude<ChathistoryRequest, { sub: "TARGETS" }>,
): Promise<StoredMessage[]> {
  switch (request.sub) {
    case "LATEST":
      return history.latest(target, request.after, request.limit);
    case "BEFORE":
      return history.before(target, request.ref, request.limit);
    case "AFTER":
      return history.after(target, request.ref, request.limit);
    case "AROUND":
      return history.around(target, request.ref, request.limit);
    case "BETWEEN":
      return history.between(target, request.from, request.to, request.limit);
  }
}

/**
 * The client's rooms, and the accounts its account has a conversation with, that had messages between two
 * moments, each with its latest message's time. A conversation is named by the other account's name as
 * registered.
 */
function targets(client: IrcClient, request: Extract<ChathistoryRequest, { sub: "TARGETS" }>): void {
  const rooms = new Map<string, Room>();
  for (const room of client.user.rooms) rooms.set(fold(room.name), room);
  const mine = client.user.account === null ? null : fold(client.user.account);
  const { history, accounts, log } = client.frontend.context;
  const answer = client.later();
  history
    .read((h) => h.targets([...rooms.keys()], request.from, request.to, request.limit, mine))
    .then(async (found) => {
      const named: Array<{ name: string; time: number }> = [];
      for (const { target, time } of found) {
        const room = rooms.get(target);
        const partner = room || mine === null ? null : conversationPartner(target, mine);
        if (room) named.push({ name: room.name, time });
        else if (partner !== null)
          named.push({ name: (await accounts.find(partner))?.name ?? partner, time });
      }
      return named;
    })
    .then(
      (named) =>
        answer(() =>
          client.batch("draft/chathistory-targets", [], () => {
            for (const { name, time } of named)
              client.send(
                `:${client.frontend.serverName} CHATHISTORY TARGETS ${name} ${formatTimestamp(time)}`,
              );
          }),
        ),
      (err) => {
        log.warn({ err }, "CHATHISTORY TARGETS: the store did not answer");
        answer(() => fail(client, "MESSAGE_ERROR", ["TARGETS", "*"], "Messages could not be retrieved"));
      },
    );
}

/**
 * Stored messages as the client would have had them: in a batch of `type` when it has `batch`, each with
 * its time (server-time) and msgid and client-only tags (message-tags).
 */
export function replay(
  client: IrcClient,
  type: string,
  params: readonly string[],
  messages: readonly StoredMessage[],
  room: Room | undefined,
): void {
  client.batch(type, params, () => {
    for (const message of messages) {
      const lines = storedLines(message);
      if (lines === null) client.sendRaw(Buffer.from(historyLine(client, message, room)));
      else historyLines(message, lines, room).send(client);
    }
  });
}

/** A stored multiline message, as it was delivered: a nested `draft/multiline` batch, or its lines. */
function historyLines(
  message: StoredMessage,
  lines: MultilineLine[],
  room: Room | undefined,
): MultilineLines {
  const target = room ? room.name : message.target;
  const prefix = `:${message.sender} ${COMMAND[message.kind]} ${target}`;
  const { [CONCAT_OFFSETS]: _, ...clientTags } = message.tags ?? {};
  const tags = Object.keys(clientTags).length > 0 ? `;${formatTags(clientTags).slice(1)}` : "";
  return new MultilineLines(
    prefix,
    target,
    message.sender,
    lines,
    message.time,
    `msgid=${message.msgid}${tags}`,
    null,
  );
}

/** One stored message as an IRC line for this client's capabilities. */
function historyLine(client: IrcClient, message: StoredMessage, room: Room | undefined): string {
  const target = room ? room.name : (message.recipient ?? message.target);
  const body = withText(`:${message.sender} ${COMMAND[message.kind]} ${target}`, message.text);
  const tags: string[] = [];
  if (client.has(Cap.ServerTime)) tags.push(`time=${formatTimestamp(message.time)}`);
  if (client.has(Cap.MessageTags)) {
    tags.push(`msgid=${message.msgid}`);
    if (message.tags) tags.push(formatTags(message.tags).slice(1));
  }
  return encodeLine(body, tags.join(";"));
}

function fail(client: IrcClient, code: string, context: readonly string[], description: string): void {
  // What the client gave is echoed as a middle parameter: only when it can be one.
  const params = context.map((p) => (p === "" || p.startsWith(":") || /[\s\0]/.test(p) ? "*" : p));
  client.send(`:${client.frontend.serverName} FAIL CHATHISTORY ${code} ${params.join(" ")} :${description}`);
}

/**
 * On join, a client that does not fetch history itself (no draft/chathistory) is sent the room's last
 * --history-replay lines from before its join, after the names: in a `chathistory` batch when it has
 * `batch`, with their times when it has `server-time`.
 */
export function replayOnJoin(client: IrcClient, room: Room, joinedAt: number): void {
  const count = client.config.historyReplay;
  if (count <= 0 || client.has(Cap.Chathistory)) return;
  const answer = client.later();
  client.frontend.context.history
    .read((h) => h.before(fold(room.name), { time: joinedAt + 1 }, count))
    .then(
      (messages) => {
        if (messages.length > 0) answer(() => replay(client, "chathistory", [room.name], messages, room));
        else answer(() => {});
      },
      (err) => {
        client.frontend.context.log.warn({ err }, "replay on join: the store did not answer");
        answer(() => {});
      },
    );
}

export const chathistoryCommands: CommandTable = {
  CHATHISTORY: { handler: chathistory, beforeRegistration: false, minParams: 0 },
};
