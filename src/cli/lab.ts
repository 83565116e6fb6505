// `tcpchat lab <preset>`: the seed lab programs by name.
import { Command } from "commander";
import { findPreset, PRESETS } from "./presets.js";
import { addRoomsOptions, type RoomsFlags } from "./rooms-options.js";
import { runServer } from "./run-server.js";
import { addServerOptions, type GivenServerFlags } from "./server-options.js";
import { serviceServerConfig } from "./service-config.js";

export function listPresets(): string {
  const width = Math.max(...PRESETS.map((p) => p.name.length));
  const header = `${"preset".padEnd(width)}  model     service   port   re-creates`;
  const rows = PRESETS.map((p) => {
    const aliases = p.aliases ? ` (also: ${p.aliases.join(", ")})` : "";
    return `${p.name.padEnd(width)}  ${p.model.padEnd(8)}  ${p.service.padEnd(8)}  ${String(p.port).padEnd(5)}  ${p.seed}${aliases}`;
  });
  return [header, ...rows].join("\n");
}

type LabFlags = GivenServerFlags &
  RoomsFlags & {
    list?: boolean;
  };

export function labCommand(): Command {
  const command = new Command("lab")
    .description("run one of the seed lab servers by name (--list shows them)")
    .argument("[preset]", PRESETS.map((p) => p.name).join(", "))
    .option("--list", "list the presets and the seed program each re-creates");
  addServerOptions(command);
  addRoomsOptions(command);
  return command.action(async (name: string | undefined, flags: LabFlags) => {
    if (flags.list || name === undefined) {
      process.stdout.write(`${listPresets()}\n`);
      return;
    }
    const preset = findPreset(name);
    if (!preset) return command.error(`error: no preset named '${name}' (tcpchat lab --list shows them)`);
    const { list: _list, ...given } = flags;
    const config = serviceServerConfig(preset.service, given, {
      port: preset.port,
      busy: preset.busy,
      greeting: preset.greeting,
      greetThen: preset.greetThen,
    });
    await runServer(preset.model, {
      ...config,
      service: { ...config.service, wording: preset.wording ?? null },
    });
  });
}
