#!/usr/bin/env node
// The `tcpchat` command: one program for every server, preset and client.
import { Command } from "commander";
import { benchCommand } from "./cli/bench.js";
import { chatCommand } from "./cli/chat/index.js";
import { connectCommand } from "./cli/connect.js";
import { labCommand } from "./cli/lab.js";
import { serveCommand } from "./cli/serve.js";
import { VERSION } from "./version.js";

const program = new Command("tcpchat")
  .description("chat servers for every concurrency model, the classic lab servers, and their clients")
  .version(VERSION)
  .addCommand(serveCommand())
  .addCommand(labCommand())
  .addCommand(connectCommand())
  .addCommand(chatCommand())
  .addCommand(benchCommand());

await program.parseAsync(process.argv);
