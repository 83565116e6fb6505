// A console for the servers that have one (the operator service, the rooms): what the operator types goes
// in through a stream, what the server prints is kept by line and can be waited for.
import { PassThrough } from "node:stream";
import type { ConsoleIO } from "../../src/services/operator.js";
import { Waiters } from "./wait.js";

export class TestConsole implements ConsoleIO {
  readonly input = new PassThrough();
  readonly printed: string[] = [];
  private readonly waiters = new Waiters();

  /** Called by the server, possibly detached from the object. */
  print = (line: string): void => {
    this.printed.push(line);
    this.waiters.wake();
  };

  type(line: string): void {
    this.input.write(`${line}\n`);
  }

  /** The first printed line matching `pattern`, waiting for it. */
  async waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    const match = () => {
      for (const line of this.printed) {
        const m = pattern.exec(line);
        if (m) return m;
      }
      return null;
    };
    await this.waiters.until(() => match() !== null, String(pattern), {
      context: () => `printed ${JSON.stringify(this.printed)}`,
    });
    return match() as RegExpExecArray;
  }

  /** Type a command and wait for what it prints next: the lines printed in answer, joined. */
  async run(command: string): Promise<string> {
    const before = this.printed.length;
    this.type(command);
    await this.waiters.until(() => this.printed.length > before, `output for ${command}`);
    return this.printed.slice(before).join("\n");
  }
}
