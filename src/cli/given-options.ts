// What the user asked for: the options on the command line, over those of the configuration file.
import { type Command, Option } from "commander";
import { ConfigFileError, readConfigFile } from "./config-file.js";
import { EXIT } from "./exit.js";

export function addConfigOption(command: Command): Command {
  return command.addOption(
    new Option(
      "--config <file>",
      "read options from a TOML file, one key per long option (`port = 6667`); the command line wins",
    ).helpGroup("Server options:"),
  );
}

/**
 * The options given on the command line, over those read from `--config`; options left at commander's
 * defaults are left out, so presets and services can fill them in. A bad file exits with EXIT.config.
 */
export function givenOptions(command: Command): Record<string, unknown> {
  const fromCommandLine = commandLineOptions(command);
  const path = fromCommandLine.config;
  if (typeof path !== "string") return fromCommandLine;
  try {
    return { ...readConfigFile(path, command.options), ...fromCommandLine };
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT.config);
  }
}

/** The options given on the command line itself, without commander's defaults. */
export function commandLineOptions(command: Command): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(command.opts())) {
    const source = command.getOptionValueSource(key);
    if (source === "cli" || source === "env") given[key] = value;
  }
  return given;
}
