// Bytes from a server to lines for a person to read: split at LF, a CR before it dropped, UTF-8 decoded
// across chunk boundaries. Unlike the servers' LineFramer it never refuses a line: a client shows what
// it gets.
import { StringDecoder } from "node:string_decoder";

/** Bytes to lines: split at LF, a CR before it dropped, UTF-8 decoded across chunk boundaries. */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let lf = this.pending.indexOf("\n");
    while (lf !== -1) {
      const line = this.pending.slice(0, lf);
      this.pending = this.pending.slice(lf + 1);
      this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
      lf = this.pending.indexOf("\n");
    }
  }

  /** At the end of the stream: the last line, if it had no LF. */
  flush(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = "";
    if (rest !== "") this.onLine(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
  }
}
