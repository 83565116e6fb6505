// How the rooms reach whoever can re-read the server's configuration (the command line, which knows the
// file): REHASH and the console's /rehash call the one handler set for this process, if any.

export interface RehashHandler {
  /** What is re-read, for RPL_REHASHING: the configuration file, or the MOTD file. */
  source: string;
  /** Re-reads and applies what can change while running; resolves with one line per outcome. */
  rehash(why: string): Promise<string[]>;
}

let current: RehashHandler | null = null;

export function setRehashHandler(handler: RehashHandler | null): void {
  current = handler;
}

export function rehashHandler(): RehashHandler | null {
  return current;
}
