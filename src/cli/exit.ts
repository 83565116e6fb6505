// Exit codes shared by every subcommand, and the one rule for commander's own exits.
import type { Command } from "commander";

/** What a server command's exit code means (the clients add their own, see `connect --help`). */
export const EXIT = {
  ok: 0,
  /** The server could not start or stopped on an error: the port is taken, the address is not ours. */
  failure: 1,
  /** Bad arguments or options (sysexits' EX_USAGE), for every subcommand. */
  usage: 64,
  /** The configuration file is unreadable or invalid (sysexits' EX_CONFIG). */
  config: 78,
} as const;

/** The exit codes of a server command, for its --help. */
export const SERVER_EXIT_HELP = [
  "",
  "Exit codes:",
  `  ${EXIT.ok}   stopped by SIGINT or SIGTERM (or KILL_SERVICE), after closing every client`,
  `  ${EXIT.failure}   could not listen (address in use, permission denied, address not available) or failed`,
  `  ${EXIT.usage}  bad arguments or options`,
  `  ${EXIT.config}  the configuration file is unreadable or invalid`,
].join("\n");

/**
 * Every command in the tree exits 0 after --help and --version and 64 on a usage error (commander's
 * default is 1). Applied once to the whole program, so a subcommand added later gets it too.
 */
export function exitOnUsageErrors(command: Command): void {
  command.exitOverride((err) => {
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  });
  for (const sub of command.commands) exitOnUsageErrors(sub);
}

/** A usage error from an action: one `error: ...` line on stderr, exit 64. */
export function usageError(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: EXIT.usage, code: "tcpchat.usage" });
  // command.error exits (through the override above); this satisfies the type checker.
  process.exit(EXIT.usage);
}
