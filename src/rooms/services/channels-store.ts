// Where registered channels are kept: ChanServ holds them in memory and writes each change here. The store's
// (src/store/channels.ts) for every `--store`; `MemoryChannelStore` keeps nothing past the process (tests).
import type { KeptState } from "../core/kept-rooms.js";

export interface RegisteredChannel extends KeptState {
  /** As registered, with its '#'. */
  name: string;
  /** The founder's account. */
  founder: string;
  /** Milliseconds since the epoch. */
  registeredAt: number;
}

export interface ChannelStore {
  list(): Promise<RegisteredChannel[]>;
  /** The channel of this folded name, or null. */
  find(key: string): Promise<RegisteredChannel | null>;
  /** Insert or replace the channel of this folded name. */
  save(key: string, channel: RegisteredChannel): Promise<void>;
  drop(key: string): Promise<void>;
}

export class MemoryChannelStore implements ChannelStore {
  private readonly channels = new Map<string, RegisteredChannel>();

  async list(): Promise<RegisteredChannel[]> {
    return [...this.channels.values()].map(copy);
  }

  async find(key: string): Promise<RegisteredChannel | null> {
    const channel = this.channels.get(key);
    return channel ? copy(channel) : null;
  }

  async save(key: string, channel: RegisteredChannel): Promise<void> {
    this.channels.set(key, copy(channel));
  }

  async drop(key: string): Promise<void> {
    this.channels.delete(key);
  }
}

export function copy(channel: RegisteredChannel): RegisteredChannel {
  return {
    ...channel,
    topic: channel.topic ? { ...channel.topic } : null,
    modes: { ...channel.modes },
    bans: channel.bans.map((ban) => ({ ...ban })),
    exceptions: channel.exceptions.map((entry) => ({ ...entry })),
    inviteExceptions: channel.inviteExceptions.map((entry) => ({ ...entry })),
  };
}
