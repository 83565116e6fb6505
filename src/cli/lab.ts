// `tcpchat lab <preset>`: the seed lab programs by name. Each preset is a subcommand of its own, so its
// --help shows its own defaults and only the options that apply to it. A preset fixes its model and its
// service (that is what it re-creates); every other setting is a default the user may change.
import { Command, Option } from "commander";
import { SERVER_EXIT_HELP, usageError } from "./exit.js";
import { addConfigOption, givenOptions } from "./given-options.js";
import { addListenerOptions, type ListenerFlags, listenerProblem } from "./listener-options.js";
import { findPreset, PRESETS, type Preset } from "./presets.js";
import { reloadOnHangup } from "./reload.js";
import { addRoomsOptions, type RoomsFlags, roomsOptionNames } from "./rooms-options.js";
import { runServer } from "./run-server.js";
import {
  addServerOptions,
  describeDefaults,
  type GivenServerFlags,
  MODEL_OPTIONS,
  SERVICE_OPTIONS,
  type ServerFlags,
} from "./server-options.js";
import { defaultFlags, serviceServerConfig } from "./service-config.js";

export function listPresets(): string {
  const width = Math.max(...PRESETS.map((p) => p.name.length));
  const header = `${"preset".padEnd(width)}  model     service   port   re-creates`;
  const rows = PRESETS.map((p) => {
    const aliases = p.aliases ? ` (also: ${p.aliases.join(", ")})` : "";
    return `${p.name.padEnd(width)}  ${p.model.padEnd(8)}  ${p.service.padEnd(8)}  ${String(p.port).padEnd(5)}  ${p.seed}${aliases}`;
  });
  return [header, ...rows].join("\n");
}

/** The settings a preset gives, under which the user's options go. */
function presetFlags(preset: Preset): Partial<ServerFlags> {
  return { port: preset.port, busy: preset.busy, greeting: preset.greeting, greetThen: preset.greetThen };
}

/** Why an option does not apply to a preset, or null when it does. */
function notApplicable(preset: Preset, name: string, rooms: ReadonlySet<string>): string | null {
  const model = MODEL_OPTIONS[name];
  if (model && model !== preset.model)
    return `applies to the ${model} model; ${preset.name} runs ${preset.model}`;
  const service = SERVICE_OPTIONS[name] ?? (rooms.has(name) ? "rooms" : undefined);
  if (service && service !== preset.service)
    return `applies to the ${service} service; ${preset.name} serves ${preset.service}`;
  return null;
}

type LabFlags = GivenServerFlags &
  RoomsFlags &
  ListenerFlags & { model?: string; service?: string; config?: string };

function presetCommand(preset: Preset): Command {
  const rooms = new Set(roomsOptionNames());
  const command = new Command(preset.name)
    .aliases(preset.aliases ?? [])
    .description(`${preset.seed} (${preset.model} model, ${preset.service} service)`);
  addConfigOption(command);
  addServerOptions(command, describeDefaults(defaultFlags(preset.service, presetFlags(preset))));
  addRoomsOptions(command);
  addListenerOptions(command, false);
  // Declared so that giving them gets a clear answer rather than "unknown option".
  command
    .optionsGroup("Fixed by this preset:")
    .addOption(new Option("--model <name>", `fixed: ${preset.model}`))
    .addOption(new Option("--service <name>", `fixed: ${preset.service}`));
  for (const option of command.options) {
    if (notApplicable(preset, option.attributeName(), rooms)) option.hideHelp();
  }
  command.addHelpText(
    "after",
    `\nFor another model or service: tcpchat serve --service ${preset.service} --model <name>\n${SERVER_EXIT_HELP}`,
  );
  return command.action(async () => {
    const given = givenOptions(command) as LabFlags;
    const { model, service, config: _config, ...rest } = given;
    if (model !== undefined || service !== undefined) {
      usageError(
        command,
        `lab ${preset.name} fixes --model ${preset.model} and --service ${preset.service}; ` +
          `for another, run tcpchat serve --service ${service ?? preset.service} --model ${model ?? preset.model}`,
      );
    }
    for (const [name, value] of Object.entries(rest)) {
      const why = value === undefined ? null : notApplicable(preset, name, rooms);
      if (why) usageError(command, `--${kebab(name)} ${why}`);
    }
    const problem = preset.service === "rooms" ? listenerProblem(rest) : null;
    if (problem) usageError(command, problem);
    const base = serviceServerConfig(preset.service, rest, presetFlags(preset));
    const config = { ...base, service: { ...base.service, wording: preset.wording ?? null } };
    const reload = reloadOnHangup({
      command,
      model: preset.model,
      service: preset.service,
      preset: presetFlags(preset),
      running: config,
    });
    reload.server = await runServer(preset.model, config);
  });
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function labCommand(): Command {
  const command = new Command("lab")
    .description("run one of the seed lab servers by name (--list shows them)")
    .argument("[preset]", "a preset's name")
    .option("--list", "list the presets and the seed program each re-creates")
    .addHelpText("after", `\n${SERVER_EXIT_HELP}`);
  for (const preset of PRESETS) command.addCommand(presetCommand(preset));
  return command.action((name: string | undefined, flags: { list?: boolean }) => {
    if (flags.list || name === undefined) {
      process.stdout.write(`${listPresets()}\n`);
      return;
    }
    // Only an unknown name gets here: a known one is its own subcommand.
    if (!findPreset(name)) usageError(command, `no preset named '${name}' (tcpchat lab --list shows them)`);
  });
}
