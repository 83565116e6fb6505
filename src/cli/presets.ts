// The seed lab programs by name, one preset per original server program: `<seed>-<program>`. Each is a
// model, a service, the original's port and busy behaviour, and its words (see services/wording.ts).
// What the originals got wrong is not kept: no eval, no crash on bad input, `bye` honoured, a reusable port.
import type { BusyPolicy, ModelName } from "../models/index.js";
import type { GreetThen } from "../services/greet.js";
import type { ServiceName } from "../services/index.js";
import type { Wording } from "../services/wording.js";

export interface Preset {
  name: string;
  /** Earlier names that still work. */
  aliases?: string[];
  model: ModelName;
  service: ServiceName;
  port: number;
  busy?: BusyPolicy;
  greeting?: string;
  greetThen?: GreetThen;
  /** The original's words; absent for the rooms, whose protocol has its own. */
  wording?: Wording;
  /** The seed program it re-creates. */
  seed: string;
}

// Seed 001 (CNWebSockets): replies as the programs formatted eval's result.
const SEED_001_BYE: Pick<Wording, "goodbyes" | "goodbyeReply"> = { goodbyes: ["bye"], goodbyeReply: "bye" };
// Seed 003 (Computer Networks assignment 2): `Hi` first, then equations; the client just closes to leave.
const SEED_003_CALC: Wording = {
  greeting: { ask: "hi", answer: "hello", anyCase: true },
  error: "INVALID STATEMENT",
  goodbyes: ["bye"],
};
// Seed 000 (CN-lab): the blocking chat ends on `bye` from either side; the server answers a client's `Bye`.
const SEED_000_CHAT: Wording = {
  goodbyes: [],
  chat: { clientEnds: "bye", clientEndReply: "Bye", operatorEnds: "bye" },
};

export const PRESETS: readonly Preset[] = [
  {
    name: "000-cases",
    aliases: ["uppercase"],
    model: "single",
    service: "upper",
    port: 12000,
    busy: "queue",
    wording: { goodbyes: [], oneShot: true },
    seed: "seed 000 cases/server.py: one message in upper case, then close; clients served in turn",
  },
  {
    name: "000-blocking-chat",
    model: "single",
    service: "operator",
    port: 54,
    busy: "queue",
    wording: SEED_000_CHAT,
    seed: "seed 000 chat server/blocking: the operator answers each message; bye ends it",
  },
  {
    name: "000-nonblocking-chat",
    model: "single",
    service: "operator",
    port: 54,
    busy: "queue",
    wording: SEED_000_CHAT,
    seed: "seed 000 chat server/non_blocking: the same chat in turns (its name notwithstanding)",
  },
  {
    name: "000-banner",
    aliases: ["banner"],
    model: "single",
    service: "greet",
    port: 8080,
    busy: "queue",
    greetThen: "close",
    wording: { goodbyes: [] },
    seed: 'seed 000 "Server to client" server1.py: "Hi, Hello!", then close',
  },
  {
    name: "000-greet",
    aliases: ["greet"],
    model: "single",
    service: "greet",
    port: 8080,
    busy: "queue",
    greeting: "Hi",
    greetThen: "read-one",
    wording: { goodbyes: [] },
    seed: 'seed 000 "Server to client - client to server": "Hi", log one reply, close',
  },
  {
    name: "001-server1",
    aliases: ["server1"],
    model: "single",
    service: "calc",
    port: 10000,
    busy: "refuse",
    wording: { result: "Query evaluates to: {}", error: "An exception occured", ...SEED_001_BYE },
    seed: "seed 001 server1.py: one client at a time, others refused; calculator",
  },
  {
    name: "001-server1_u",
    model: "single",
    service: "calc",
    port: 10000,
    busy: "reply",
    wording: {
      result: "Query evaluates to: {}",
      error: "Bad query, please enter a valid expression",
      goodbyes: ["bye"],
      busy: "busy",
    },
    seed: "seed 001 server1_u.py: one client at a time, others told busy; calculator",
  },
  {
    name: "001-server2",
    aliases: ["server2"],
    model: "threaded",
    service: "calc",
    port: 10000,
    wording: {
      result: "[Thread {thread}] says: {}",
      error: "[Thread {thread}] says: Bad query in request",
      goodbyes: ["bye", "exit"],
      goodbyeReply: "bye",
    },
    seed: "seed 001 server2.py: a thread per client; calculator",
  },
  {
    name: "001-server3",
    aliases: ["server3"],
    model: "evented",
    service: "calc",
    port: 10000,
    wording: { result: "Evaluated expression: {}", error: "Bad or illegal expression", ...SEED_001_BYE },
    seed: "seed 001 server3.py: a select loop; calculator",
  },
  {
    name: "001-server4",
    aliases: ["server4"],
    model: "evented",
    service: "echo",
    port: 10000,
    wording: SEED_001_BYE,
    seed: "seed 001 server4.py: a select loop; echo",
  },
  {
    name: "002-chat",
    aliases: ["console-chat"],
    model: "single",
    service: "operator",
    port: 65432,
    busy: "queue",
    wording: { goodbyes: [], chat: { clientEnds: "exit", operatorEnds: "exit" } },
    seed: "seed 002 EXP_2 server.py: the operator answers each message; exit ends it",
  },
  {
    name: "003-server1",
    model: "single",
    service: "calc",
    port: 10000,
    busy: "queue",
    wording: {
      greeting: { ask: "Hi", answer: "Hello", anyCase: false },
      error: "Please send a proper statement",
      goodbyes: ["bye"],
    },
    seed: "seed 003 server1.py: one client at a time, others wait; Hi, then calculator",
  },
  {
    name: "003-server2",
    model: "threaded",
    service: "calc",
    port: 10000,
    wording: SEED_003_CALC,
    seed: "seed 003 server2.py: a thread per client; hi, then calculator",
  },
  {
    name: "003-server3",
    model: "evented",
    service: "calc",
    port: 10000,
    wording: SEED_003_CALC,
    seed: "seed 003 server3.py: a select loop; hi, then calculator",
  },
  {
    name: "003-server4",
    model: "evented",
    service: "echo",
    port: 10000,
    wording: { goodbyes: ["bye"], goodbyeReply: "bye" },
    seed: "seed 003 server4.py: a select loop; echo",
  },
  {
    name: "004-rooms",
    aliases: ["rooms"],
    model: "evented",
    service: "rooms",
    port: 8080,
    seed: "seed 004 stest: the multi-room chat server (seed rooms protocol and IRC)",
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name || preset.aliases?.includes(name));
}
