// A rooms server as a child process keeping its state in a test's store, the way the durability tests run
// it: started (again and again on the same store), stopped in order, or killed with SIGKILL once the
// durability window has passed since the last change, when everything must already be in the store.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { DURABILITY_WINDOW_MS } from "../../src/rooms/history.js";
import type { StoreConfig } from "../../src/store/index.js";
import type { CliRun, cliSuite } from "./cli.js";
import { WINDOW_MS } from "./timing.js";

/** `tcpchat serve` for the rooms as the store tests run it: any port, `irc.test`, no flood control. */
export const ROOMS_SERVE = [
  "serve",
  "--service",
  "rooms",
  "--port",
  "0",
  "--server-name",
  "irc.test",
  "--no-flood-limit",
];

export class StoredServer {
  private run: CliRun | null = null;

  constructor(
    private readonly cli: ReturnType<typeof cliSuite>,
    readonly store: StoreConfig,
    /** More options for every start. */
    private readonly extra: readonly string[] = [],
  ) {}

  get args(): string[] {
    return [...ROOMS_SERVE, "--store", this.store.store, "--data-dir", this.store.dataDir, ...this.extra];
  }

  /** Start it (again); the port it listens on. */
  async start(): Promise<number> {
    this.run = this.cli.run(this.args);
    return this.run.listening();
  }

  /** The window under test and a loaded machine's margin on a timer, then SIGKILL: it dies at once. */
  async killAfterWindow(): Promise<void> {
    await delay(DURABILITY_WINDOW_MS + WINDOW_MS);
    const run = this.running();
    run.kill("SIGKILL");
    assert.equal((await run.exited).signal, "SIGKILL");
  }

  /** SIGTERM: an orderly stop, which exits 0. */
  async stop(): Promise<void> {
    const run = this.running();
    run.kill("SIGTERM");
    assert.equal(await run.exitCode(), 0, run.stderr);
  }

  private running(): CliRun {
    if (!this.run) throw new Error("the server was not started");
    return this.run;
  }
}
