#!/usr/bin/env node
// The `tcpchat` command: one program for every server, preset and client.
import { Command } from "commander";
import { benchCommand } from "./cli/bench.js";
import { certCommand } from "./cli/cert.js";
import { chatCommand } from "./cli/chat/index.js";
import { configCommand } from "./cli/config.js";
import { connectCommand } from "./cli/connect.js";
import { exitOnUsageErrors } from "./cli/exit.js";
import { labCommand } from "./cli/lab.js";
import { passwdCommand } from "./cli/passwd.js";
import { serveCommand } from "./cli/serve.js";
import { VERSION } from "./version.js";

const program = new Command("tcpchat")
  .description("chat servers for every concurrency model, the classic lab servers, and their clients")
  .version(VERSION, "-V, --version", "print the version and exit")
  .addCommand(serveCommand())
  .addCommand(labCommand())
  .addCommand(connectCommand())
  .addCommand(chatCommand())
  .addCommand(benchCommand())
  .addCommand(configCommand())
  .addCommand(passwdCommand())
  .addCommand(certCommand());

exitOnUsageErrors(program);
await program.parseAsync(process.argv);
