// `tcpchat account add|list|passwd|del`: the operator's hand on the rooms' accounts, in the store itself
// (`--store`, `--data-dir`, or those of a `--config` file), whether a server runs on it or not: a running
// server reads each account from the store when someone logs in. Passwords come from stdin, never argv.
import { Command, Option } from "commander";
import { AccountError, Accounts } from "../rooms/accounts/accounts.js";
import { systemClock } from "../rooms/core/clock.js";
import { isValidNickname } from "../rooms/core/registry.js";
import { describeError } from "../rooms/services/nickserv.js";
import { SERVICE_NICKS } from "../rooms/services/service-user.js";
import { SqlAccountStore } from "../store/accounts.js";
import { DEFAULT_DATA_DIR, type StoreConfig, StoreError } from "../store/config.js";
import { ConfigFileError, readConfigFile } from "./config-file.js";
import { EXIT, usageError } from "./exit.js";
import { readPassword } from "./passwd.js";
import { envStore, parseStore } from "./rooms-options.js";

interface StoreFlags {
  store?: string;
  dataDir?: string;
  config?: string;
}

export function accountCommand(): Command {
  const command = new Command("account")
    .description("manage the rooms' accounts in the store: add, list, passwd, del")
    .addHelpText(
      "after",
      [
        "",
        "Each works on the store directly, a server running on it or not. Passwords are read from stdin:",
        "asked twice without echo on a terminal, otherwise its first line.",
        "",
        "Exit codes:",
        `  ${EXIT.ok}   done`,
        `  ${EXIT.failure}   refused (the account exists, there is no such account, the password is too weak or`,
        "      missing) or the store cannot be opened; one line on stderr says which",
        `  ${EXIT.usage}  bad arguments or options (a name that cannot be an account's, a bad email)`,
        `  ${EXIT.config}  the configuration file is unreadable or invalid`,
      ].join("\n"),
    );
  command.addCommand(
    withStoreOptions(
      new Command("add")
        .description("register an account; its password from stdin")
        .argument("<name>", "the account's name: a nickname, which becomes its owner's")
        .option("--email <address>", "the account's email address"),
    ).action(async (name: string, flags: StoreFlags & { email?: string }, self: Command) => {
      await withAccounts(flags, async (accounts) => {
        // A name or an email that cannot be is the argument's fault: a usage error, before any password.
        const problem = accounts.checkName(name, flags.email ?? null);
        if (problem) usageError(self, describeError(problem, name));
        if (accounts.isRegistered(name)) refuse(describeError(AccountError.Exists, name));
        const password = await passwordOrExit();
        const result = await accounts.register(name, flags.email ?? null, password);
        if (!result.ok) refuse(describeError(result.error, name));
        process.stdout.write(`added account ${result.value.name}\n`);
      });
    }),
  );
  command.addCommand(
    withStoreOptions(
      new Command("list").description("list the accounts, one a line: name, email (- for none), registered"),
    ).action(async (flags: StoreFlags) => {
      await withAccounts(flags, async (accounts) => {
        for (const account of await accounts.list())
          process.stdout.write(
            `${account.name} ${account.email ?? "-"} ${new Date(account.createdAt).toISOString()}\n`,
          );
      });
    }),
  );
  command.addCommand(
    withStoreOptions(
      new Command("passwd")
        .description("give an account a new password, from stdin")
        .argument("<name>", "the account"),
    ).action(async (name: string, flags: StoreFlags) => {
      await withAccounts(flags, async (accounts) => {
        if (!(await accounts.find(name))) refuse(describeError(AccountError.NoAccount, name));
        const result = await accounts.setPassword(name, await passwordOrExit());
        if (!result.ok) refuse(describeError(result.error, name));
        process.stdout.write(`changed the password of ${name}\n`);
      });
    }),
  );
  command.addCommand(
    withStoreOptions(
      new Command("del")
        .description("delete an account and its client certificates; its nick is free again")
        .argument("<name>", "the account"),
    ).action(async (name: string, flags: StoreFlags) => {
      await withAccounts(flags, async (accounts) => {
        const result = await accounts.drop(name);
        if (!result.ok) refuse(describeError(result.error, name));
        process.stdout.write(`deleted account ${name}\n`);
      });
    }),
  );
  return command;
}

function withStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--store <where>",
        "sqlite (a file in --data-dir), memory or postgres://user:pass@host:port/db (default: the --config file's, else $TCPCHAT_STORE, else sqlite)",
      ).argParser(parseStore),
    )
    .option(
      "--data-dir <path>",
      `the folder of the SQLite store (default: the --config file's, else ${DEFAULT_DATA_DIR})`,
    )
    .option("--config <file>", "take store and data-dir from the server's configuration file");
}

/** Open the store named, run `work` on its accounts, close it; a store that cannot be opened exits 1. */
async function withAccounts(flags: StoreFlags, work: (accounts: Accounts) => Promise<void>): Promise<void> {
  const config = await storeConfig(flags);
  const { openStore } = await import("../store/index.js");
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    refuse(err.message);
  }
  try {
    const accounts = new Accounts(new SqlAccountStore(store.db), {
      clock: systemClock,
      isValidName: (name) => isValidNickname(name),
      reserved: SERVICE_NICKS,
    });
    await accounts.load();
    await work(accounts);
  } finally {
    await store.close();
  }
}

/** The store of the command line, else of the configuration file, else of $TCPCHAT_STORE, else sqlite. */
async function storeConfig(flags: StoreFlags): Promise<StoreConfig> {
  let file: Record<string, unknown> = {};
  if (flags.config !== undefined) {
    // The server's own options read the file, so that any file `serve` takes is taken here.
    const { serveCommand } = await import("./serve.js");
    try {
      file = readConfigFile(flags.config, serveCommand().options);
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT.config);
    }
  }
  let fromEnvironment: string | undefined;
  try {
    fromEnvironment = envStore();
  } catch (err) {
    process.stderr.write(`tcpchat: ${(err as Error).message}\n`);
    process.exit(EXIT.usage);
  }
  return {
    store: flags.store ?? (file.store as string | undefined) ?? fromEnvironment ?? "sqlite",
    dataDir: flags.dataDir ?? (file.dataDir as string | undefined) ?? DEFAULT_DATA_DIR,
  };
}

async function passwordOrExit(): Promise<string> {
  const password = await readPassword();
  if (!password) refuse("no password given");
  return password;
}

/** One line on stderr, exit 1. */
function refuse(message: string): never {
  process.stderr.write(`tcpchat: ${message}\n`);
  process.exit(EXIT.failure);
}
