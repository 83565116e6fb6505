// `tcpchat passwd`: hash a password for the configuration file (`oper = ["name:<hash>"]`).
import { Command } from "commander";
import { hashPassword } from "../password-hash.js";
import { EXIT } from "./exit.js";

export function passwdCommand(): Command {
  return new Command("passwd")
    .description(
      "hash an operator password for --oper or the configuration file; asks twice on a terminal, " +
        "otherwise reads the first line of stdin; prints the hash ($scrypt$...)",
    )
    .addHelpText(
      "after",
      [
        "",
        "Example:",
        '  oper = ["alice:$(tcpchat passwd)"]   # in the file: oper = ["alice:$scrypt$ln=15,..."]',
        "",
        "Exit codes:",
        `  ${EXIT.ok}   the hash was printed`,
        `  ${EXIT.failure}   no password (empty, or the two did not match, or input ended)`,
        `  ${EXIT.usage}  bad arguments or options`,
      ].join("\n"),
    )
    .action(async () => {
      const password = await readPassword();
      if (!password) {
        process.stderr.write("tcpchat: no password given\n");
        process.exit(EXIT.failure);
      }
      process.stdout.write(`${await hashPassword(password)}\n`);
    });
}

/**
 * A password from stdin: asked twice without echo on a terminal (exit 1 when the two differ), otherwise
 * the first line. Never from the command line, where other users see it. Null when there is none.
 */
export async function readPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) return firstLine(process.stdin);
  const password = await askHidden("password: ");
  const again = password === null ? null : await askHidden("again: ");
  if (password !== null && again !== password) {
    process.stderr.write("tcpchat: the passwords do not match\n");
    process.exit(EXIT.failure);
  }
  return password;
}

/** The first line of a stream (without its line ending), or null when it ends with nothing. */
function firstLine(input: NodeJS.ReadStream): Promise<string | null> {
  return new Promise((resolve) => {
    let text = "";
    const done = (line: string | null) => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.pause();
      resolve(line);
    };
    const onData = (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end !== -1) done(text.slice(0, end).replace(/\r$/, ""));
    };
    const onEnd = () => done(text === "" ? null : text.replace(/\r$/, ""));
    input.setEncoding("utf8").on("data", onData).once("end", onEnd);
  });
}

/** A line typed on the terminal without echoing it; null on Ctrl-C or Ctrl-D. */
function askHidden(prompt: string): Promise<string | null> {
  const input = process.stdin;
  // Echo off before the prompt shows: what is typed as soon as it shows is not echoed either.
  input.setRawMode(true);
  process.stderr.write(prompt);
  input.setEncoding("utf8");
  input.resume();
  return new Promise((resolve) => {
    let text = "";
    const finish = (value: string | null) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return finish(text);
        if (ch === "\u0003" || ch === "\u0004") return finish(null);
        if (ch === "\u007f" || ch === "\b") text = text.slice(0, -1);
        else if (ch >= " ") text += ch;
      }
    };
    input.on("data", onData);
  });
}
