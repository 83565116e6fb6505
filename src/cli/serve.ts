// `tcpchat serve`: any service under any model.
import { Command, Option } from "commander";
import { MODEL_NAMES, type ModelName } from "../models/index.js";
import { DEFAULT_ROOMS_PORT, ROOMS_MAX_LINE_BYTES } from "../rooms/config.js";
import { SERVICE_NAMES, type ServiceName } from "../services/index.js";
import { SERVER_EXIT_HELP, usageError } from "./exit.js";
import { addConfigOption, givenOptions } from "./given-options.js";
import { addListenerOptions, type ListenerFlags, listenerProblem } from "./listener-options.js";
import { reloadOnHangup } from "./reload.js";
import { addRoomsOptions, type RoomsFlags } from "./rooms-options.js";
import { runServer } from "./run-server.js";
import { addServerOptions, FLAG_DEFAULTS, type GivenServerFlags } from "./server-options.js";
import { serviceServerConfig } from "./service-config.js";

/** `serve` keeps the rooms' state unless told otherwise (the lab presets keep nothing). */
const SERVE_STORE = "sqlite";

type ServeFlags = GivenServerFlags &
  RoomsFlags &
  ListenerFlags & {
    service?: ServiceName;
    model?: ModelName;
  };

export function serveCommand(): Command {
  const command = new Command("serve")
    .description(
      "serve a line service or the rooms under a concurrency model; prints `listening on <host>:<port>`",
    )
    .optionsGroup("Server options:")
    .addOption(
      new Option(
        "--service <name>",
        "what the server does with lines (required, here or in --config)",
      ).choices(SERVICE_NAMES),
    )
    .addOption(
      new Option("--model <name>", "how clients are served (default: evented)").choices(MODEL_NAMES),
    );
  addConfigOption(command);
  addServerOptions(command, {
    port: `${FLAG_DEFAULTS.port}; rooms: ${DEFAULT_ROOMS_PORT}`,
    maxLine: `${FLAG_DEFAULTS.maxLine}; rooms: ${ROOMS_MAX_LINE_BYTES}`,
  });
  addRoomsOptions(command);
  addListenerOptions(command, true);
  command.addHelpText(
    "after",
    "\nOptions of another model or service than the one served are accepted and have no effect." +
      `\n${SERVER_EXIT_HELP}`,
  );
  return command.action(async () => {
    const given = givenOptions(command) as ServeFlags;
    const service = given.service;
    if (!service) usageError(command, "required option '--service <name>' not specified (nor in --config)");
    const model = given.model ?? "evented";
    if (model === "cluster" && service === "operator") {
      usageError(
        command,
        "the operator service talks to this process's console: it cannot run under cluster",
      );
    }
    const problem = service === "rooms" ? listenerProblem(given) : null;
    if (problem) usageError(command, problem);
    const config = serviceServerConfig(service, given, {}, true, SERVE_STORE);
    const reload = reloadOnHangup({
      command,
      model,
      service,
      preset: {},
      storeDefault: SERVE_STORE,
      running: config,
      webByDefault: true,
    });
    reload.server = await runServer(model, config);
  });
}
