// `tcpchat config check <file>`: read a configuration file as `tcpchat serve --config` would.
import { Command } from "commander";
import { ConfigFileError, readConfigFile } from "./config-file.js";
import { EXIT } from "./exit.js";
import { serveCommand } from "./serve.js";

export function configCommand(): Command {
  const config = new Command("config").description("work with configuration files");
  config
    .command("check")
    .description(
      "check a configuration file for `tcpchat serve --config`: every problem is printed as " +
        "<file>:<line>: <what>, unknown keys included",
    )
    .argument("<file>", "the TOML file")
    .addHelpText(
      "after",
      [
        "",
        "Exit codes:",
        `  ${EXIT.ok}   the file is valid`,
        `  ${EXIT.usage}  bad arguments or options`,
        `  ${EXIT.config}  the file is unreadable or invalid`,
      ].join("\n"),
    )
    .action((file: string) => {
      try {
        const values = readConfigFile(file, serveCommand().options);
        process.stdout.write(`${file}: ok (${Object.keys(values).length} settings)\n`);
      } catch (err) {
        if (!(err instanceof ConfigFileError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exit(EXIT.config);
      }
    });
  return config.addHelpText(
    "after",
    `\nExit codes: ${EXIT.ok} valid, ${EXIT.usage} bad arguments, ${EXIT.config} an invalid file.`,
  );
}
