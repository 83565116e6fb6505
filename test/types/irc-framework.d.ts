// The part of irc-framework (which ships no types) that the tests use.
declare module "irc-framework" {
  import type { EventEmitter } from "node:events";

  export interface ConnectOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    auto_reconnect?: boolean;
    enable_echomessage?: boolean;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    /** SASL credentials: PLAIN unless `sasl_mechanism` says otherwise. */
    account?: { account: string; password: string };
    sasl_mechanism?: string;
  }

  export interface IrcEvent {
    nick?: string;
    new_nick?: string;
    channel?: string;
    target?: string;
    message?: string;
    topic?: string;
    time?: number;
    tags?: Record<string, string>;
    users?: Array<{ nick: string; modes: string[] }>;
    /** A batch's events: its reference, type, parameters and messages. */
    id?: string;
    type?: string;
    params?: string[];
    commands?: Array<{ command: string; params: string[]; tags: Record<string, string> }>;
    /** The sender's account (account-tag, extended-join, 900); false when logged out. */
    account?: string | false;
    /** Why SASL failed (`sasl failed`). */
    reason?: string;
  }

  export class Client extends EventEmitter {
    constructor(options?: Partial<ConnectOptions>);
    connect(options?: Partial<ConnectOptions>): void;
    join(channel: string, key?: string): void;
    part(channel: string, message?: string): void;
    say(target: string, message: string): void;
    action(target: string, message: string): void;
    changeNick(nick: string): void;
    setTopic(channel: string, topic: string): void;
    raw(...args: string[]): void;
    requestCap(cap: string | string[]): void;
    quit(message?: string): void;
    network: { cap: { enabled: string[] } };
    user: { nick: string };
    connection: { end(): void };
  }

  const irc: { Client: typeof Client };
  export default irc;
}
