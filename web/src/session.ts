// The page's IRC client: one connection over a WebSocket (text.ircv3.net), capability negotiation, SASL
// PLAIN, registration, reconnection with backoff, and what each message from the server changes in the
// conversations. The socket is injected, so nothing here needs a DOM.

import { formatMessage, type IrcInput, parseIrcLine, utf8Length } from "../../src/protocol/irc/message.js";
import { fold } from "../../src/rooms/core/casemap.js";
import { HELP, parseTyped, splitMessage } from "./commands.js";
import {
  addEarlierLine,
  addLine,
  type Conversation,
  type ConversationKind,
  type Line,
  type LineKind,
  newConversation,
  newLine,
  oldestMessage,
} from "./state.js";

/** The part of the browser's WebSocket used here (handlers typed so that a WebSocket is one). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/** The clock the reconnection waits on, and its dice. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  random(): number;
}

export const SUBPROTOCOL = "text.ircv3.net";

/** Capabilities the page uses when the server offers them. */
export const WANTED_CAPS = [
  "server-time",
  "message-tags",
  "echo-message",
  "batch",
  "draft/chathistory",
  "multi-prefix",
];

/** Waits before each attempt to reconnect; the last repeats. A quarter more at random spreads a crowd. */
export const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/** Messages asked for at a time from the server's history. */
export const HISTORY_PAGE = 50;

/** A message the server relays is prefixed with its sender; this leaves room for the longest one. */
const SOURCE_ROOM = 120;
/** A typed message longer than this many IRC lines is refused rather than sent in pieces. */
export const MAX_PIECES = 8;

export type Phase =
  /** Not logged in: the login form shows. */
  | "login"
  /** Logging in (socket, capabilities, registration). */
  | "connecting"
  | "connected"
  /** Lost: waiting to try again. */
  | "waiting"
  /** Trying again. */
  | "reconnecting";

const SERVER_KEY = "";

export class ChatSession {
  phase: Phase = "login";
  /** Why the last login failed, for the login form. */
  loginError = "";
  /** The connection's state in words, for the status line ("" when all is well). */
  status = "";
  nick = "";
  /** Conversations by folded name, the server's first (key ""). */
  readonly conversations = new Map<string, Conversation>();
  active = SERVER_KEY;
  /** Capabilities the server offered (CAP LS), by name, with their values. */
  readonly offered = new Map<string, string>();
  readonly enabled = new Set<string>();
  /** The server's CAP LS has been read on the current socket. */
  capsKnown = false;

  private socket: SocketLike | null = null;
  private registered = false;
  private wantLogin = false;
  private password = "";
  private firstRoom = "";
  private attempt = 0;
  private retryTimer: unknown = null;
  private everConnected = false;
  private pendingSelect: string | null = null;
  private chanTypes = "#";
  private prefixSymbols = "@+";
  private historyLimit = 0;
  private readonly batches = new Map<string, HistoryBatch>();
  private listeners: Array<() => void> = [];

  constructor(
    private readonly openSocket: (url: string) => SocketLike,
    private readonly url: string,
    private readonly timers: Timers = {
      // Called as methods of this object: a browser's own setTimeout would refuse that `this`.
      setTimeout: (run, ms) => setTimeout(run, ms),
      clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
      random: () => Math.random(),
    },
  ) {
    this.conversations.set(SERVER_KEY, newConversation("server", "server"));
  }

  onChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Opens a socket and reads the server's capabilities, so the login form knows whether to ask a password. */
  probe(): void {
    if (this.socket === null) this.connect();
  }

  /** The login form was sent. */
  login(nick: string, password: string, room: string): void {
    this.nick = nick.trim();
    this.password = password;
    this.firstRoom = room.trim();
    this.loginError = "";
    this.wantLogin = true;
    this.phase = "connecting";
    if (this.socket === null) this.connect();
    else if (this.capsKnown) this.register();
    this.changed();
  }

  get activeConversation(): Conversation {
    return this.conversations.get(this.active) ?? (this.conversations.get(SERVER_KEY) as Conversation);
  }

  get chathistory(): boolean {
    return this.enabled.has("draft/chathistory") && this.enabled.has("batch");
  }

  select(key: string): void {
    const conversation = this.conversations.get(key);
    if (!conversation) return;
    this.active = key;
    conversation.unread = 0;
    conversation.mentioned = false;
    this.changed();
  }

  /** Closes a private conversation, or leaves a room. */
  close(key: string): void {
    const conversation = this.conversations.get(key);
    if (!conversation || conversation.kind === "server") return;
    if (conversation.kind === "channel" && conversation.joined) this.sendLine("PART", [conversation.name]);
    else this.forget(key);
    this.changed();
  }

  /** A line typed in the message box. */
  typed(input: string): void {
    const typed = parseTyped(input, this.chanTypes);
    const here = this.activeConversation;
    if (!this.registered && typed.kind !== "help" && typed.kind !== "error") {
      this.note(here, "error", "Not connected: nothing was sent. The page reconnects by itself.");
      this.changed();
      return;
    }
    switch (typed.kind) {
      case "say":
        if (typed.text !== "") this.say(here, typed.text, false);
        break;
      case "me":
        this.say(here, typed.text, true);
        break;
      case "join": {
        const key = this.key(typed.channel);
        if (this.conversations.get(key)?.joined) this.select(key);
        else {
          this.pendingSelect = key;
          this.sendLine("JOIN", typed.key === null ? [typed.channel] : [typed.channel, typed.key]);
        }
        break;
      }
      case "part": {
        const name = typed.channel ?? (here.kind === "channel" ? here.name : null);
        if (name === null) {
          if (here.kind === "query") this.close(this.active);
          else this.note(here, "error", "Not in a room: /part leaves the room you are in.");
        } else this.sendLine("PART", typed.reason === "" ? [name] : [name, typed.reason], true);
        break;
      }
      case "msg": {
        const isChannel = this.isChannel(typed.target);
        const target = isChannel
          ? this.conversationFor(typed.target, "channel", false)
          : this.conversationFor(typed.target, "query", true);
        if (target === null) {
          this.sendPieces(typed.target, typed.text, false, null);
          break;
        }
        if (!isChannel) this.select(this.key(typed.target));
        if (typed.text.trim() !== "") this.say(target, typed.text, false);
        break;
      }
      case "nick":
        this.sendLine("NICK", [typed.nick], true);
        break;
      case "topic": {
        const name = typed.channel ?? (here.kind === "channel" ? here.name : null);
        if (name === null) this.note(here, "error", "Not in a room: /topic needs one.");
        else
          this.sendLine("TOPIC", typed.topic === null ? [name] : [name, typed.topic], typed.topic !== null);
        break;
      }
      case "quote":
        this.sendRaw(typed.line);
        break;
      case "help":
        this.note(here, "info", HELP);
        break;
      case "error":
        this.note(here, "error", typed.text);
        break;
    }
    this.changed();
  }

  /** Asks the server for messages before the oldest shown, if it keeps history and has more. */
  loadEarlier(key: string = this.active): void {
    const conversation = this.conversations.get(key);
    if (!conversation || conversation.kind === "server" || !this.chathistory || !this.registered) return;
    if (conversation.historyDone || conversation.historyLoading) return;
    const oldest = oldestMessage(conversation);
    const limit = String(this.historyLimit > 0 ? Math.min(HISTORY_PAGE, this.historyLimit) : HISTORY_PAGE);
    conversation.historyLoading = true;
    conversation.historyAnchor = oldest;
    if (oldest?.msgid)
      this.sendLine("CHATHISTORY", ["BEFORE", conversation.name, `msgid=${oldest.msgid}`, limit]);
    else this.sendLine("CHATHISTORY", ["LATEST", conversation.name, "*", limit]);
    this.changed();
  }

  // --- the socket ---

  private connect(): void {
    this.capsKnown = false;
    this.offered.clear();
    this.enabled.clear();
    this.batches.clear();
    let socket: SocketLike;
    try {
      socket = this.openSocket(this.url);
    } catch {
      this.lost();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket === socket) this.sendRaw("CAP LS 302");
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (this.socket !== socket || typeof event.data !== "string") return;
      for (const text of event.data.split(/\r?\n/)) {
        const message = parseIrcLine(text);
        if (message) this.receive(message);
      }
      this.changed();
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.lost();
    };
    socket.onerror = () => {};
  }

  private lost(): void {
    const wasRegistered = this.registered;
    this.registered = false;
    for (const conversation of this.conversations.values()) {
      conversation.historyLoading = false;
      conversation.historyAnchor = null;
      conversation.members.clear();
    }
    if (!this.everConnected) {
      // Before the first login completes, there is nobody to reconnect: the form says what happened.
      if (this.wantLogin && this.loginError === "") this.loginError = "Could not connect to the server.";
      this.wantLogin = false;
      this.phase = "login";
      this.changed();
      return;
    }
    if (wasRegistered) this.noteEverywhere("error", "Connection lost.");
    const base = RECONNECT_DELAYS_MS[Math.min(this.attempt, RECONNECT_DELAYS_MS.length - 1)] as number;
    const delay = Math.round(base * (1 + this.timers.random() / 4));
    this.attempt++;
    this.phase = "waiting";
    this.status = `Connection lost. Reconnecting in ${Math.ceil(delay / 1000)} s…`;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.phase = "reconnecting";
      this.status = "Connection lost. Reconnecting now…";
      this.wantLogin = true;
      this.connect();
      this.changed();
    }, delay);
    this.changed();
  }

  /** Tries again at once (the status line's button). */
  retryNow(): void {
    if (this.retryTimer === null) return;
    this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.phase = "reconnecting";
    this.status = "Reconnecting now…";
    this.wantLogin = true;
    this.connect();
    this.changed();
  }

  private sendRaw(line: string): void {
    try {
      this.socket?.send(line);
    } catch {
      // A socket that is closing says so through onclose.
    }
  }

  /** `trailing`: write the last parameter as trailing even when it need not be (free text). */
  private sendLine(command: string, params: string[], trailing = false): void {
    this.sendRaw(formatMessage({ command, params }, trailing));
  }

  // --- registration ---

  private register(): void {
    const wanted = WANTED_CAPS.filter((cap) => this.offered.has(cap));
    const sasl = this.password !== "" && this.offered.has("sasl");
    if (sasl) wanted.push("sasl");
    if (wanted.length > 0) this.sendLine("CAP", ["REQ", wanted.join(" ")], true);
    else this.sendRaw("CAP END");
    this.sendLine("NICK", [this.nick]);
    this.sendLine("USER", [userName(this.nick), "0", "*", this.nick], true);
  }

  private receive(message: IrcInput): void {
    const { command, params } = message;
    switch (command) {
      case "PING":
        this.sendLine("PONG", params.length > 0 ? [params[0] as string] : [], true);
        return;
      case "CAP":
        this.cap(params);
        return;
      case "AUTHENTICATE":
        if (params[0] === "+") {
          const account = this.nick;
          this.sendLine("AUTHENTICATE", [base64(`${account}\0${account}\0${this.password}`)]);
        }
        return;
      case "900":
      case "903":
        if (command === "903") this.sendRaw("CAP END");
        return;
      case "902":
      case "904":
      case "905":
      case "906":
        this.failLogin(command === "904" ? "Nickname or password not accepted." : lastParam(params));
        return;
      case "001":
        this.welcomed(params);
        return;
      case "005":
        this.isupport(params.slice(1, -1));
        this.note(this.server, "info", params.slice(1).join(" "), message);
        return;
      case "432":
      case "433":
      case "436":
        if (!this.registered) {
          if (command === "433" && this.everConnected) {
            // Back after a restart while our old self lingers: take a near name rather than give up.
            this.nick = `${this.nick}_`;
            this.sendLine("NICK", [this.nick]);
          } else this.failLogin(`${params[1] ?? this.nick}: ${lastParam(params)}`);
          return;
        }
        this.errorNumeric(message);
        return;
      case "BATCH":
        this.batch(params);
        return;
      case "PRIVMSG":
      case "NOTICE":
        this.privmsg(message);
        return;
      case "JOIN":
        this.join(message);
        return;
      case "PART":
        this.part(message, "part");
        return;
      case "KICK":
        this.part(message, "kick");
        return;
      case "QUIT":
        this.quit(message);
        return;
      case "NICK":
        this.nickChange(message);
        return;
      case "TOPIC": {
        const conversation = this.conversationFor(params[0] as string, "channel", false);
        if (!conversation) return;
        conversation.topic = params[1] ?? "";
        const who = nickOf(message.source);
        const text = conversation.topic === "" ? "cleared the topic" : `set the topic: ${conversation.topic}`;
        this.add(conversation, "topic", who, text, message);
        return;
      }
      case "331":
      case "332": {
        const conversation = this.conversationFor(params[1] as string, "channel", false);
        if (!conversation) return;
        conversation.topic = command === "332" ? (params[2] ?? "") : "";
        this.note(
          conversation,
          "topic",
          conversation.topic === "" ? "No topic is set." : `Topic: ${conversation.topic}`,
        );
        return;
      }
      case "333":
      case "366":
        return;
      case "353":
        this.names(params);
        return;
      case "ERROR":
        this.note(this.server, "error", lastParam(params));
        return;
      case "FAIL":
        this.fail(params);
        return;
      default:
        if (/^[45]\d\d$/.test(command)) this.errorNumeric(message);
        else if (/^\d\d\d$/.test(command)) this.note(this.server, "info", params.slice(1).join(" "), message);
    }
  }

  private cap(params: string[]): void {
    const sub = params[1]?.toUpperCase();
    if (sub === "LS") {
      const more = params[2] === "*";
      for (const item of (more ? params[3] : params[2])?.split(" ") ?? []) {
        if (item === "") continue;
        const eq = item.indexOf("=");
        this.offered.set(eq === -1 ? item : item.slice(0, eq), eq === -1 ? "" : item.slice(eq + 1));
      }
      if (more) return;
      this.capsKnown = true;
      if (this.wantLogin) this.register();
    } else if (sub === "ACK") {
      for (const cap of lastParam(params).split(" ")) if (cap !== "") this.enabled.add(cap);
      if (this.enabled.has("sasl") && this.password !== "") this.sendRaw("AUTHENTICATE PLAIN");
      else this.sendRaw("CAP END");
    } else if (sub === "NAK") {
      this.sendRaw("CAP END");
    }
  }

  private failLogin(text: string): void {
    this.wantLogin = false;
    if (this.everConnected) {
      // Back after a drop, the password no longer taken: go on without the account rather than not at all.
      this.note(this.server, "error", text);
      this.sendRaw("CAP END");
      return;
    }
    this.loginError = text;
    this.phase = "login";
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private welcomed(params: string[]): void {
    this.nick = params[0] ?? this.nick;
    this.registered = true;
    this.wantLogin = false;
    this.phase = "connected";
    this.attempt = 0;
    const again = this.everConnected;
    this.everConnected = true;
    this.status = "";
    if (again) this.noteEverywhere("info", "Reconnected.");
    // The rooms it was in (not those it was kicked from): `joined` outlives a lost connection.
    const rooms = [...this.conversations.values()]
      .filter((c) => c.kind === "channel" && c.joined)
      .map((c) => c.name);
    if (!again && this.firstRoom !== "") {
      const room = this.isChannel(this.firstRoom) ? this.firstRoom : `#${this.firstRoom}`;
      this.pendingSelect = this.key(room);
      rooms.push(room);
    }
    if (rooms.length > 0) this.sendLine("JOIN", [rooms.join(",")]);
  }

  private isupport(tokens: string[]): void {
    for (const token of tokens) {
      const [name, value = ""] = token.split("=", 2) as [string, string?];
      if (name === "CHANTYPES" && value !== "") this.chanTypes = value;
      else if (name === "PREFIX") this.prefixSymbols = value.replace(/^\([^)]*\)/, "");
      else if (name === "CHATHISTORY") this.historyLimit = Number(value) || 0;
    }
  }

  // --- messages ---

  private batch(params: string[]): void {
    const ref = params[0] ?? "";
    if (ref.startsWith("+")) {
      const type = params[1] ?? "";
      const target = params[2] ?? "";
      // The answer to BEFORE goes before the message it was asked before.
      const asked = type === "chathistory" ? this.conversations.get(this.key(target)) : undefined;
      const anchor = asked?.historyAnchor ?? null;
      if (asked) asked.historyAnchor = null;
      this.batches.set(ref.slice(1), { type, target, count: 0, anchor, last: null });
      return;
    }
    const batch = this.batches.get(ref.slice(1));
    this.batches.delete(ref.slice(1));
    if (batch?.type !== "chathistory") return;
    const conversation = this.conversations.get(this.key(batch.target));
    if (!conversation) return;
    conversation.historyLoading = false;
    if (batch.count === 0) conversation.historyDone = true;
  }

  /** The history batch a message belongs to, if any: it is counted, and is not news. */
  private history(message: IrcInput): boolean {
    const ref = message.tags.batch;
    if (ref === undefined) return false;
    const batch = this.batches.get(ref);
    if (batch?.type !== "chathistory") return false;
    batch.count++;
    return true;
  }

  private privmsg(message: IrcInput): void {
    const [target = "", raw = ""] = message.params;
    const from = nickOf(message.source);
    const self = this.same(from, this.nick);
    const notice = message.command === "NOTICE";
    let conversation: Conversation | null;
    if (this.isChannel(target)) conversation = this.conversationFor(target, "channel", !notice);
    else if (notice && (!this.registered || !message.source?.includes("!"))) conversation = this.server;
    else conversation = this.conversationFor(self ? target : from, "query", true);
    if (!conversation) conversation = this.server;
    let kind: LineKind = notice ? "notice" : "message";
    let text = raw;
    if (raw.startsWith("\x01")) {
      const body = raw.slice(1, raw.endsWith("\x01") ? -1 : undefined);
      if (!body.toUpperCase().startsWith("ACTION")) return;
      kind = "action";
      text = body.slice("ACTION".length).trimStart();
    }
    const earlier = this.history(message);
    const added = this.add(conversation, kind, from, text, message, self);
    if (!added || earlier || self) return;
    if (this.conversations.get(this.active) !== conversation) {
      conversation.unread++;
      if (conversation.kind === "query" || this.mentions(text)) conversation.mentioned = true;
    }
  }

  private join(message: IrcInput): void {
    const channel = message.params[0] as string;
    const who = nickOf(message.source);
    const key = this.key(channel);
    if (this.same(who, this.nick)) {
      const conversation = this.conversationFor(channel, "channel", true) as Conversation;
      conversation.name = channel;
      conversation.joined = true;
      conversation.members.clear();
      if (this.pendingSelect === key) {
        this.pendingSelect = null;
        this.select(key);
      }
      this.add(conversation, "join", who, "", message, true);
      if (this.chathistory && !this.history(message)) {
        conversation.historyDone = false;
        conversation.historyLoading = false;
        // The latest messages: those missed while away, or the room's recent past on a first join.
        this.requestLatest(conversation);
      }
      return;
    }
    const conversation = this.conversationFor(channel, "channel", false);
    if (!conversation) return;
    if (!this.history(message)) conversation.members.set(this.key(who), { nick: who, prefix: "" });
    this.add(conversation, "join", who, "", message);
  }

  private requestLatest(conversation: Conversation): void {
    const limit = String(this.historyLimit > 0 ? Math.min(HISTORY_PAGE, this.historyLimit) : HISTORY_PAGE);
    conversation.historyLoading = true;
    conversation.historyAnchor = null;
    this.sendLine("CHATHISTORY", ["LATEST", conversation.name, "*", limit]);
  }

  private part(message: IrcInput, kind: "part" | "kick"): void {
    const [channel = "", second = "", third = ""] = message.params;
    const conversation = this.conversationFor(channel, "channel", false);
    if (!conversation) return;
    const who = kind === "kick" ? second : nickOf(message.source);
    const reason = kind === "kick" ? third : second;
    if (this.same(who, this.nick) && !this.history(message)) {
      if (kind === "part") {
        this.forget(this.key(channel));
        return;
      }
      conversation.joined = false;
      conversation.members.clear();
      this.note(
        conversation,
        "error",
        `You were kicked by ${nickOf(message.source)}${reason ? ` (${reason})` : ""}.`,
      );
      return;
    }
    conversation.members.delete(this.key(who));
    if (kind === "kick")
      this.add(
        conversation,
        "kick",
        nickOf(message.source),
        `kicked ${who}${reason ? ` (${reason})` : ""}`,
        message,
      );
    else this.add(conversation, "part", who, reason, message);
  }

  private quit(message: IrcInput): void {
    const who = nickOf(message.source);
    const key = this.key(who);
    for (const conversation of this.conversations.values()) {
      const member = conversation.members.delete(key);
      if (member || (conversation.kind === "query" && this.key(conversation.name) === key))
        this.add(conversation, "quit", who, message.params[0] ?? "", message);
    }
  }

  private nickChange(message: IrcInput): void {
    const before = nickOf(message.source);
    const after = message.params[0] as string;
    const oldKey = this.key(before);
    if (this.same(before, this.nick)) this.nick = after;
    for (const conversation of [...this.conversations.values()]) {
      const member = conversation.members.get(oldKey);
      const isQuery = conversation.kind === "query" && this.key(conversation.name) === oldKey;
      if (member) {
        conversation.members.delete(oldKey);
        conversation.members.set(this.key(after), { nick: after, prefix: member.prefix });
      }
      if (isQuery) this.rekey(conversation, after);
      if (member || isQuery || (conversation.kind === "server" && this.same(after, this.nick)))
        this.add(conversation, "nick", before, after, message);
    }
  }

  private rekey(conversation: Conversation, name: string): void {
    const oldKey = this.key(conversation.name);
    const newKey = this.key(name);
    conversation.name = name;
    if (oldKey === newKey) return;
    // Keep the sidebar's order: rebuild the map with the new key in the old place.
    const entries = [...this.conversations.entries()].map(
      ([k, c]) => [k === oldKey ? newKey : k, c] as [string, Conversation],
    );
    this.conversations.clear();
    for (const [k, c] of entries) this.conversations.set(k, c);
    if (this.active === oldKey) this.active = newKey;
  }

  private names(params: string[]): void {
    const conversation = this.conversationFor(params[2] as string, "channel", false);
    if (!conversation) return;
    for (const entry of (params[3] ?? "").split(" ")) {
      if (entry === "") continue;
      let at = 0;
      while (at < entry.length && this.prefixSymbols.includes(entry[at] as string)) at++;
      const nick = entry.slice(at).split("!")[0] as string;
      conversation.members.set(this.key(nick), { nick, prefix: entry.slice(0, Math.min(at, 1)) });
    }
  }

  private fail(params: string[]): void {
    const [command = "", code = ""] = params;
    if (command === "CHATHISTORY") {
      const target = params.slice(2, -1).find((p) => this.conversations.has(this.key(p)));
      const conversation = target === undefined ? null : this.conversations.get(this.key(target));
      if (conversation) {
        conversation.historyLoading = false;
        conversation.historyAnchor = null;
        conversation.historyDone = true;
        return;
      }
    }
    this.note(this.activeConversation, "error", `${command} ${code}: ${lastParam(params)}`);
  }

  /** An error numeric: shown where the user is, or in the conversation it names. */
  private errorNumeric(message: IrcInput): void {
    const about = message.params.slice(1, -1);
    const named = about.map((p) => this.conversations.get(this.key(p))).find((c) => c !== undefined);
    const subject = about.length > 0 ? `${about.join(" ")}: ` : "";
    this.note(named ?? this.activeConversation, "error", `${subject}${lastParam(message.params)}`);
  }

  // --- sending ---

  private say(conversation: Conversation, text: string, action: boolean): void {
    if (conversation.kind === "server") {
      this.note(conversation, "error", "Join a room first: /join #room, or /msg nick text.");
      return;
    }
    if (conversation.kind === "channel" && !conversation.joined) {
      this.note(conversation, "error", `Not in ${conversation.name}: /join ${conversation.name} first.`);
      return;
    }
    this.sendPieces(conversation.name, text, action, conversation);
  }

  private sendPieces(target: string, text: string, action: boolean, conversation: Conversation | null): void {
    const overhead = utf8Length(`PRIVMSG ${target} :`) + SOURCE_ROOM + (action ? 9 : 0);
    const budget = 510 - overhead;
    const pieces = splitMessage(text, budget);
    if (pieces.length > MAX_PIECES) {
      const where = conversation ?? this.activeConversation;
      this.note(
        where,
        "error",
        `Message too long (${utf8Length(text)} bytes): at most ${MAX_PIECES * budget} bytes, please shorten it.`,
      );
      return;
    }
    for (const piece of pieces) {
      this.sendLine("PRIVMSG", [target, action ? `\x01ACTION ${piece}\x01` : piece], true);
      // Without echo-message the server does not send our own messages back: show them now.
      if (!this.enabled.has("echo-message") && conversation)
        addLine(
          conversation,
          newLine(action ? "action" : "message", this.nick, piece, Date.now(), null, true),
        );
    }
  }

  // --- conversations ---

  get server(): Conversation {
    return this.conversations.get(SERVER_KEY) as Conversation;
  }

  key(name: string): string {
    return fold(name);
  }

  private same(a: string, b: string): boolean {
    return fold(a) === fold(b);
  }

  private isChannel(name: string): boolean {
    return name !== "" && this.chanTypes.includes(name[0] as string);
  }

  private mentions(text: string): boolean {
    return this.nick !== "" && fold(text).includes(fold(this.nick));
  }

  private conversationFor(name: string, kind: ConversationKind, create: boolean): Conversation | null {
    const key = this.key(name);
    const found = this.conversations.get(key);
    if (found || !create || key === SERVER_KEY) return found ?? null;
    const conversation = newConversation(name, kind);
    this.conversations.set(key, conversation);
    return conversation;
  }

  private forget(key: string): void {
    this.conversations.delete(key);
    if (this.active === key) this.active = [...this.conversations.keys()].at(-1) ?? SERVER_KEY;
    const now = this.conversations.get(this.active);
    if (now) {
      now.unread = 0;
      now.mentioned = false;
    }
  }

  private add(
    conversation: Conversation,
    kind: LineKind,
    from: string,
    text: string,
    message: IrcInput,
    self = false,
  ): boolean {
    const stamp = message.tags.time ? Date.parse(message.tags.time) : Number.NaN;
    const time = Number.isNaN(stamp) ? Date.now() : stamp;
    const line = newLine(kind, from, text, time, message.tags.msgid ?? null, self);
    const batch = message.tags.batch === undefined ? undefined : this.batches.get(message.tags.batch);
    if (batch?.type !== "chathistory" || batch.anchor === null) return addLine(conversation, line);
    if (!addEarlierLine(conversation, line, batch.anchor, batch.last)) return false;
    batch.last = line;
    return true;
  }

  private note(conversation: Conversation, kind: LineKind, text: string, message?: IrcInput): void {
    if (message) this.add(conversation, kind, "", text, message);
    else addLine(conversation, newLine(kind, "", text));
  }

  private noteEverywhere(kind: LineKind, text: string): void {
    for (const conversation of this.conversations.values()) this.note(conversation, kind, text);
  }
}

/** A batch the server opened; of a chathistory batch, where its messages go. */
interface HistoryBatch {
  type: string;
  target: string;
  count: number;
  /** The answer to CHATHISTORY BEFORE: the message it was asked before, and the line it added last. */
  anchor: Line | null;
  last: Line | null;
}

function nickOf(source: string | null): string {
  if (source === null) return "";
  const bang = source.indexOf("!");
  return bang === -1 ? source : source.slice(0, bang);
}

function lastParam(params: string[]): string {
  return params.at(-1) ?? "";
}

/** A username the server accepts from a nickname. */
function userName(nick: string): string {
  return nick.replace(/[^A-Za-z0-9_]/g, "").slice(0, 10) || "user";
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
