// The user's side of an interactive line client (`tcpchat connect`, later `tcpchat chat`), on node:readline.
//
// On a terminal: a prompt; lines arriving from elsewhere (the network) are printed ABOVE the line being
// typed: the prompt and the partial input are erased, the line is printed, and the prompt is redrawn with
// the partial input and the cursor where they were. Elsewhere (stdin a pipe or a file): plain lines in,
// plain lines out, no prompt, and the last line is delivered even without a newline.

import * as readline from "node:readline";
import type { Readable, Writable } from "node:stream";

export type TerminalInput = Readable & { isTTY?: boolean };
export type TerminalOutput = Writable & { isTTY?: boolean };

/** Why the user's input ended: end of input (Ctrl-D, end of a pipe) or Ctrl-C. */
export type InputEnd = "eof" | "interrupt";

export interface TerminalOptions {
  input: TerminalInput;
  output: TerminalOutput;
  /** Default: whether `input` is a terminal. */
  interactive?: boolean;
  /** Shown before the line being typed (interactive only). Default `> `. */
  prompt?: string;
  /** Every line the user enters, without its line terminator. */
  onLine: (line: string) => void;
  /** The user's input ended; called once, and not when `close()` came first. */
  onEnd: (why: InputEnd) => void;
}

/** readline keeps how many rows the cursor sits below the prompt's first row in this undocumented field. */
interface RowsOfInterface {
  prevRows?: number;
}

export class LineTerminal {
  readonly interactive: boolean;
  /** True when the prompt is drawn and lines are printed above it (interactive, output a terminal). */
  readonly drawing: boolean;
  private readonly rl: readline.Interface;
  private open = true;

  constructor(private readonly options: TerminalOptions) {
    this.interactive = options.interactive ?? options.input.isTTY === true;
    this.drawing = this.interactive && options.output.isTTY === true && process.env.TERM !== "dumb";
    this.rl = readline.createInterface({
      input: options.input,
      // Without a terminal readline writes nothing, so it needs no output (and must not echo into a pipe).
      ...(this.drawing ? { output: options.output, terminal: true } : { terminal: false }),
      prompt: options.prompt ?? "> ",
      crlfDelay: Number.POSITIVE_INFINITY,
      historySize: this.drawing ? 100 : 0,
    });
    this.rl.on("line", (line) => {
      if (!this.open) return;
      options.onLine(line);
      if (this.open && this.drawing) this.rl.prompt();
    });
    // Ctrl-C: with a listener readline emits this instead of closing by itself.
    this.rl.on("SIGINT", () => this.end("interrupt"));
    this.rl.on("close", () => this.end("eof"));
  }

  /** Shows the prompt (interactive). Input is read from construction on; this only draws. */
  start(): void {
    if (this.open && this.drawing) this.rl.prompt();
  }

  /** Prints one line (no newline in it) for the user, above the prompt if one is drawn. */
  print(line: string): void {
    if (!(this.open && this.drawing)) {
      this.options.output.write(`${line}\n`);
      return;
    }
    this.erasePrompt();
    this.options.output.write(`${line}\n`);
    // The cursor now sits on the row where the prompt starts; make readline's redraw start there too.
    (this.rl as unknown as RowsOfInterface).prevRows = 0;
    this.rl.prompt(true); // prompt + partial input, cursor kept where it was in the input
  }

  /** Stop delivering lines for a while (the receiving side is full). */
  pause(): void {
    if (this.open) this.rl.pause();
  }

  resume(): void {
    if (this.open) this.rl.resume();
  }

  /** Ends the session from our side: erases the prompt and stops reading input. No `onEnd` call. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (this.drawing) this.erasePrompt();
    this.rl.close();
  }

  private end(why: InputEnd): void {
    if (!this.open) return;
    this.open = false;
    if (this.drawing) this.erasePrompt();
    this.rl.close();
    this.options.onEnd(why);
  }

  /** Moves to where the prompt starts and clears from there down: prompt and partial input are gone. */
  private erasePrompt(): void {
    const output = this.options.output;
    const { rows } = this.rl.getCursorPos();
    if (rows > 0) readline.moveCursor(output, 0, -rows);
    readline.cursorTo(output, 0);
    readline.clearScreenDown(output);
  }
}
