// A service user (NickServ, ChanServ): found by nick, answers WHOIS, hears PRIVMSGs and answers with
// NOTICEs, but is no connection. Each node has its own; what it hears never crosses the bus.
import type { Frontend, RoomEvent } from "../core/events.js";
import type { RoomRegistry } from "../core/registry.js";
import { User } from "../core/user.js";

/** Ids of service users: the top of the node's span, where no connection's id reaches. */
const SERVICE_ID_BASE = 9_999_000;

export const SERVICES_HOST = "services.";

/** Nicks of each node's service users: nobody may register them as accounts. */
export const SERVICE_NICKS: readonly string[] = ["NickServ", "ChanServ"];

export type ServiceCommand = (from: User, words: string[]) => void | Promise<void>;

/** A service's commands by upper-case name. */
export type ServiceCommands = Record<string, ServiceCommand>;

/** The front-end of one service user: a PRIVMSG to it runs one of its commands. */
class ServiceFrontend implements Frontend {
  readonly service = true;
  handler: (from: User, text: string) => void = () => {};

  deliver(event: RoomEvent, recipients: readonly User[]): void {
    if (event.type !== "message" || event.kind !== "privmsg" || !event.from || event.room) return;
    if (recipients.includes(event.to as User) && event.from !== event.to)
      this.handler(event.from, event.text);
  }
}

export abstract class Service {
  readonly user: User;

  constructor(
    readonly registry: RoomRegistry,
    nick: string,
    index: number,
    now: number,
  ) {
    const frontend = new ServiceFrontend();
    this.user = new User(registry.userId(SERVICE_ID_BASE + index), "irc", frontend, nick, SERVICES_HOST, now);
    this.user.username = nick;
    this.user.realname = `${nick} service`;
    frontend.handler = (from, text) => this.hear(from, text);
    registry.addService(this.user);
  }

  protected abstract readonly commands: ServiceCommands;

  /** Tell `to` one line, as a NOTICE from the service. */
  reply(to: User, text: string): void {
    if (this.registry.isRegistered(to)) this.registry.message(this.user, to, text, "notice");
  }

  private hear(from: User, text: string): void {
    const words = text
      .trim()
      .split(/\s+/)
      .filter((word) => word !== "");
    const name = (words.shift() ?? "HELP").toUpperCase();
    const command = Object.hasOwn(this.commands, name) ? this.commands[name] : undefined;
    if (!command) {
      this.reply(from, `Unknown command ${name}. Type /msg ${this.user.nick} HELP for help.`);
      return;
    }
    const done = command(from, words);
    if (done instanceof Promise)
      done.catch((err: unknown) => {
        this.failed(err);
        this.reply(from, `${name} failed: the server could not complete it. Try again later.`);
      });
  }

  /** An unexpected failure (the store unreachable): logged by the owner. */
  protected abstract failed(err: unknown): void;
}
