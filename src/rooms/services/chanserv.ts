// ChanServ: registered channels. A logged-in channel operator registers a channel; from then on its
// topic (with setter and time), modes, key, limit, bans, ban exceptions (+e) and invite exceptions (+I) are
// kept while it is empty and across restarts, and its founder is its operator whenever it joins. The core
// asks it through `RoomKeeper`; it holds every registered channel in memory and writes each change to the
// store (with nodes sharing one, the node that decided the change writes it).
import { fold } from "../core/casemap.js";
import type { Clock } from "../core/clock.js";
import { type KeptState, keptStateOf, type RoomKeeper } from "../core/kept-rooms.js";
import type { RoomRegistry } from "../core/registry.js";
import type { Room } from "../core/room.js";
import type { User } from "../core/user.js";
import { type ChannelStore, copy, type RegisteredChannel } from "./channels-store.js";
import { Service, type ServiceCommands } from "./service-user.js";

export interface ChanServOptions {
  store: ChannelStore;
  clock: Clock;
  /** Several nodes share the store: only the node that decided a change writes it. */
  shared: boolean;
  onError: (err: unknown) => void;
}

const HELP = [
  "REGISTER <#channel>: register a channel you are an operator of (you must be logged in); you become its founder.",
  "INFO <#channel>: its founder, when it was registered, its topic.",
  "OP <#channel> [nick]: give operator status (the founder only; yourself unless a nick is named).",
  "DEOP <#channel> [nick]: take operator status away (the founder only).",
  "DROP <#channel>: forget the channel's registration (the founder only).",
];

export class ChanServ extends Service implements RoomKeeper {
  private readonly channels = new Map<string, RegisteredChannel>();
  /** Writes in order, one at a time. */
  private writes: Promise<void> = Promise.resolve();
  protected readonly commands: ServiceCommands = {
    HELP: (from) => this.help(from),
    REGISTER: (from, words) => this.register(from, words),
    INFO: (from, words) => this.info(from, words),
    OP: (from, words) => this.status(from, words, "+"),
    DEOP: (from, words) => this.status(from, words, "-"),
    DROP: (from, words) => this.drop(from, words),
  };

  constructor(
    registry: RoomRegistry,
    private readonly options: ChanServOptions,
  ) {
    super(registry, "ChanServ", 1, options.clock.now());
    registry.keeper = this;
  }

  /** Keep channels in `store` from now on (the server's, once it is open), and read them. */
  async open(store: ChannelStore, shared: boolean): Promise<void> {
    this.options.store = store;
    this.options.shared = shared;
    await this.load();
  }

  /** Read the registered channels (before any client is served, and when another node registers one). */
  async load(): Promise<void> {
    const channels = await this.options.store.list();
    this.channels.clear();
    for (const channel of channels) this.channels.set(fold(channel.name), channel);
  }

  /** A channel registered or dropped on another node: read it from the store they share. */
  heard(name: string, registered: boolean, local: boolean): void {
    if (local) return;
    const key = fold(name);
    if (!registered) this.channels.delete(key);
    else if (this.options.shared)
      this.options.store
        .find(key)
        .then((channel) => {
          if (channel) this.channels.set(key, channel);
        })
        .catch((err: unknown) => this.failed(err));
  }

  /** Every write asked for so far, done. */
  flush(): Promise<void> {
    return this.writes;
  }

  protected failed(err: unknown): void {
    this.options.onError(err);
  }

  // ---- RoomKeeper

  kept(name: string): KeptState | null {
    const channel = this.channels.get(fold(name));
    return channel ? copy(channel) : null;
  }

  isFounder(name: string, user: User): boolean {
    const channel = this.channels.get(fold(name));
    return channel !== undefined && user.account !== null && fold(user.account) === fold(channel.founder);
  }

  changed(room: Room, local: boolean): void {
    const channel = this.channels.get(room.key);
    if (!channel) return;
    Object.assign(channel, keptStateOf(room));
    if (local || !this.options.shared) this.save(channel);
  }

  // ---- commands

  private help(from: User): void {
    this.reply(
      from,
      "ChanServ keeps registered channels: their topic, modes, bans and exceptions, and their founder. Commands:",
    );
    for (const line of HELP) this.reply(from, line);
  }

  /** The room named by the first word, which must be registered; null (told why) otherwise. */
  private registered(from: User, words: string[], usage: string): RegisteredChannel | null {
    const name = words[0];
    if (name === undefined || !name.startsWith("#")) {
      this.reply(from, `Syntax: ${usage}`);
      return null;
    }
    const channel = this.channels.get(fold(name));
    if (!channel) this.reply(from, `${name} is not registered.`);
    return channel ?? null;
  }

  private isFounderOf(from: User, channel: RegisteredChannel): boolean {
    if (from.account !== null && fold(from.account) === fold(channel.founder)) return true;
    this.reply(
      from,
      `Only the founder of ${channel.name} (${channel.founder}) may do that; log in to it first.`,
    );
    return false;
  }

  // REGISTER <#channel>
  private register(from: User, words: string[]): void {
    const name = words[0];
    if (name === undefined || words.length !== 1 || !name.startsWith("#")) {
      this.reply(from, "Syntax: REGISTER <#channel>");
      return;
    }
    const room = this.registry.findRoom(name);
    if (from.account === null) {
      this.reply(from, "You must be logged in to register a channel: /msg NickServ IDENTIFY <password>.");
      return;
    }
    if (!room?.isOp(from)) {
      this.reply(from, `You must be an operator of ${name} to register it.`);
      return;
    }
    if (this.channels.has(room.key)) {
      this.reply(from, `${room.name} is registered already.`);
      return;
    }
    const channel: RegisteredChannel = {
      name: room.name,
      founder: from.account,
      registeredAt: this.options.clock.now(),
      ...keptStateOf(room),
    };
    this.channels.set(room.key, channel);
    // Other nodes read it from the store once it is there.
    void this.save(channel).then(() => this.registry.noteRegistration("channel", channel.name, true));
    this.reply(from, `${room.name} is registered to ${from.account}.`);
  }

  // INFO <#channel>
  private info(from: User, words: string[]): void {
    const channel = this.registered(from, words, "INFO <#channel>");
    if (!channel) return;
    this.reply(
      from,
      `${channel.name}: founder ${channel.founder}, registered ${new Date(channel.registeredAt).toUTCString()}.`,
    );
    if (channel.topic) this.reply(from, `Topic: ${channel.topic.text} (set by ${channel.topic.setBy})`);
  }

  // OP <#channel> [nick] | DEOP <#channel> [nick]
  private status(from: User, words: string[], sign: "+" | "-"): void {
    const usage = `${sign === "+" ? "OP" : "DEOP"} <#channel> [nick]`;
    const channel = this.registered(from, words, usage);
    if (!channel || !this.isFounderOf(from, channel)) return;
    const room = this.registry.findRoom(channel.name);
    const target = words[1] === undefined ? from : this.registry.findUser(words[1]);
    if (!room || !target || !room.members.has(target)) {
      this.reply(from, `${words[1] ?? from.nick} is not in ${channel.name}.`);
      return;
    }
    // The server's authority: the change is told as the server's, on every node alike.
    const errors = this.registry.setModes(null, room, [{ sign, mode: "o", param: target.nick }]);
    if (errors.length > 0) this.reply(from, `Could not change ${target.nick}'s status in ${channel.name}.`);
  }

  // DROP <#channel>
  private drop(from: User, words: string[]): void {
    const channel = this.registered(from, words, "DROP <#channel>");
    if (!channel || !this.isFounderOf(from, channel)) return;
    const key = fold(channel.name);
    this.channels.delete(key);
    this.write(() => this.options.store.drop(key));
    this.registry.noteRegistration("channel", channel.name, false);
    this.reply(from, `${channel.name} is no longer registered.`);
  }

  private save(channel: RegisteredChannel): Promise<void> {
    const snapshot = copy(channel);
    return this.write(() => this.options.store.save(fold(snapshot.name), snapshot));
  }

  /** Queue a write; the returned promise settles once it is done (failures are logged, not thrown). */
  private write(task: () => Promise<void>): Promise<void> {
    this.writes = this.writes.then(task).catch((err: unknown) => this.failed(err));
    return this.writes;
  }
}
