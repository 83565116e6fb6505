// A tiny terminal for the tests of interactive clients, run under util-linux `script`: enough of what
// readline writes (CR, LF, BS, CSI G/K/J/A/B/C/D) to know what the user sees.
import { spawnSync } from "node:child_process";

export class Screen {
  rows: string[][] = [[]];
  row = 0;
  col = 0;

  feed(text: string): void {
    let i = 0;
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === "\x1b" && text[i + 1] === "[") {
        // CSI: parameters, then one letter.
        let end = i + 2;
        while (end < text.length && /[0-9;?]/.test(text[end] as string)) end += 1;
        this.csi(text.slice(i + 2, end), text[end] ?? "");
        i = end + 1;
        continue;
      }
      if (ch === "\r") this.col = 0;
      else if (ch === "\n") this.moveTo(this.row + 1, this.col);
      else if (ch === "\b") this.col = Math.max(0, this.col - 1);
      else if (ch >= " ") {
        const line = this.line();
        while (line.length < this.col) line.push(" ");
        line[this.col] = ch;
        this.col += 1;
      }
      i += 1;
    }
  }

  /** The visible rows, trailing blanks trimmed. */
  text(): string[] {
    const out = this.rows.map((r) => r.join("").trimEnd());
    while (out.length > 0 && out[out.length - 1] === "") out.pop();
    return out;
  }

  /** The row the cursor is on, up to the cursor. */
  beforeCursor(): string {
    return this.line().slice(0, this.col).join("");
  }

  private csi(params: string, command: string): void {
    const n = Number(params === "" ? "1" : params.split(";")[0]);
    switch (command) {
      case "G":
        this.col = Math.max(0, n - 1);
        break;
      case "A":
        this.moveTo(Math.max(0, this.row - n), this.col);
        break;
      case "B":
        this.moveTo(this.row + n, this.col);
        break;
      case "C":
        this.col += n;
        break;
      case "D":
        this.col = Math.max(0, this.col - n);
        break;
      case "K": {
        const mode = params === "" ? 0 : Number(params);
        const line = this.line();
        if (mode === 0) line.length = Math.min(line.length, this.col);
        else if (mode === 1) for (let c = 0; c <= this.col && c < line.length; c++) line[c] = " ";
        else line.length = 0;
        break;
      }
      case "J":
        if (params === "" || params === "0") {
          this.line().length = Math.min(this.line().length, this.col);
          this.rows.length = this.row + 1;
        }
        break;
      default: // colours and modes: nothing to see
    }
  }

  private line(): string[] {
    return this.rows[this.row] as string[];
  }

  private moveTo(row: number, col: number): void {
    while (this.rows.length <= row) this.rows.push([]);
    this.row = row;
    this.col = col;
  }
}

/** Why the pseudo-terminal tests cannot run here, or false when they can. */
export const SCRIPT_MISSING =
  spawnSync("which", ["script"], { stdio: "ignore" }).status === 0
    ? false
    : "needs a terminal: util-linux `script` (which runs a program in a pseudo-terminal) is not installed";

/** A word quoted for `sh`. */
export const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;
