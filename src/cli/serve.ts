// `tcpchat serve`: any service under any model.
import { Command, Option } from "commander";
import { MODEL_NAMES, type ModelName } from "../models/index.js";
import { SERVICE_NAMES, type ServiceName } from "../services/index.js";
import { addRoomsOptions, type RoomsFlags } from "./rooms-options.js";
import { runServer } from "./run-server.js";
import { addServerOptions, type GivenServerFlags } from "./server-options.js";
import { serviceServerConfig } from "./service-config.js";

type ServeFlags = GivenServerFlags &
  RoomsFlags & {
    service: ServiceName;
    model: ModelName;
  };

export function serveCommand(): Command {
  const command = new Command("serve")
    .description(
      "serve a line service or the rooms under a concurrency model; prints `listening on <host>:<port>`",
    )
    .addOption(
      new Option("--service <name>", "what the server does with lines")
        .choices(SERVICE_NAMES)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option("--model <name>", "how clients are served").choices(MODEL_NAMES).default("evented"),
    );
  addServerOptions(command);
  addRoomsOptions(command);
  return command.action(async (flags: ServeFlags) => {
    await runServer(flags.model, serviceServerConfig(flags.service, flags, {}));
  });
}
