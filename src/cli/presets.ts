// The seed lab programs by name: each is a model, a service, a port and a few settings.
import type { BusyPolicy, ModelName } from "../models/index.js";
import type { GreetThen } from "../services/greet.js";
import type { ServiceName } from "../services/index.js";

export interface Preset {
  name: string;
  model: ModelName;
  service: ServiceName;
  port: number;
  busy?: BusyPolicy;
  greeting?: string;
  greetThen?: GreetThen;
  /** The seed program it re-creates. */
  seed: string;
}

export const PRESETS: readonly Preset[] = [
  {
    name: "server1",
    model: "single",
    service: "calc",
    port: 10000,
    seed: "seed 001/003 server1.py: one client at a time, calculator",
  },
  {
    name: "server2",
    model: "threaded",
    service: "calc",
    port: 10000,
    seed: "seed 001/003 server2.py: a thread per client, calculator",
  },
  {
    name: "server3",
    model: "evented",
    service: "calc",
    port: 10000,
    seed: "seed 001/003 server3.py: select loop, calculator",
  },
  {
    name: "server4",
    model: "evented",
    service: "echo",
    port: 10000,
    seed: "seed 001/003 server4.py: select loop, echo",
  },
  {
    name: "uppercase",
    model: "single",
    service: "upper",
    port: 12000,
    busy: "queue",
    seed: "seed 000 cases/server.py: uppercase, clients served in turn",
  },
  {
    name: "console-chat",
    model: "single",
    service: "operator",
    port: 65432,
    busy: "queue",
    seed: "seed 002 server.py, seed 000 chat server: the operator chats with a client",
  },
  {
    name: "banner",
    model: "single",
    service: "greet",
    port: 8081,
    busy: "queue",
    greetThen: "close",
    seed: 'seed 000 "Server to client" server1.py: "Hi, Hello!" then close',
  },
  {
    name: "greet",
    model: "single",
    service: "greet",
    port: 8081,
    busy: "queue",
    greeting: "Hi",
    greetThen: "read-one",
    seed: 'seed 000 "Server to client - client to server": "Hi", print one reply, close',
  },
  {
    name: "rooms",
    model: "evented",
    service: "rooms",
    port: 8080,
    seed: "seed 004 stest: multi-room chat server (seed rooms protocol and IRC)",
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
