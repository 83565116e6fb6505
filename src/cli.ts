#!/usr/bin/env node
// The `tcpchat` command: one program for every server, preset and client.
import { Command } from "commander";
import { exitOnUsageErrors } from "./cli/exit.js";
import { VERSION } from "./version.js";

/**
 * Each subcommand's module, loaded only when it is needed: a client (`connect`, `chat`) does not load the
 * servers, the store drivers or the benchmark harness, and starts in a fraction of the time.
 */
const SUBCOMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./cli/serve.js")).serveCommand(),
  lab: async () => (await import("./cli/lab.js")).labCommand(),
  connect: async () => (await import("./cli/connect.js")).connectCommand(),
  chat: async () => (await import("./cli/chat/index.js")).chatCommand(),
  bench: async () => (await import("./cli/bench.js")).benchCommand(),
  config: async () => (await import("./cli/config.js")).configCommand(),
  passwd: async () => (await import("./cli/passwd.js")).passwdCommand(),
  cert: async () => (await import("./cli/cert.js")).certCommand(),
  account: async () => (await import("./cli/account.js")).accountCommand(),
};

const program = new Command("tcpchat")
  .description("chat servers for every concurrency model, the classic lab servers, and their clients")
  .version(VERSION, "-V, --version", "print the version and exit");
// The one subcommand named, or every one (for help, a typo's suggestion, or no subcommand at all).
const named = process.argv[2] ?? "";
const wanted = Object.hasOwn(SUBCOMMANDS, named) ? [named] : Object.keys(SUBCOMMANDS);
for (const command of await Promise.all(
  wanted.map((name) => (SUBCOMMANDS[name] as () => Promise<Command>)()),
)) {
  program.addCommand(command);
}

exitOnUsageErrors(program);
await program.parseAsync(process.argv);
