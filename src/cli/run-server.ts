// Start a server from the command line: print the one stdout line scripts wait for, then shut down in
// order on SIGINT/SIGTERM.

import { startMemoryReducer } from "../memory-reducer.js";
import type { ServerConfig } from "../models/index.js";
import { type ModelName, startServer } from "../models/index.js";
import type { ConsoleIO } from "../services/operator.js";
import { formatEndpoint } from "../transport/line-connection.js";

/** However slow the clients, a signalled server is gone within this long. */
const SHUTDOWN_DEADLINE_MS = 4000;

export async function runServer(model: ModelName, config: ServerConfig): Promise<void> {
  const log = config.log;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(model, config);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const where = formatEndpoint({ address: config.host, port: config.port });
    const why =
      e.code === "EADDRINUSE"
        ? "address already in use"
        : e.code === "EACCES"
          ? "permission denied"
          : e.message;
    process.stderr.write(`tcpchat: cannot listen on ${where}: ${why}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("second %s: exiting now", signal);
      process.exit(1);
    }
    stopping = true;
    log.info("%s: shutting down", signal);
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    void server.shutdown();
  };
  void server.stopped.then(() => {
    log.info("stopped");
    process.exit(0);
  });
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Ready, and only now said: a script that signals the server as soon as it reads this line gets an
  // orderly shutdown.
  process.stdout.write(`listening on ${formatEndpoint({ address: server.host, port: server.port })}\n`);
  startMemoryReducer(log);
  log.info(
    { model, service: config.service.name },
    "serving %s with the %s model",
    config.service.name,
    model,
  );
}

/** The operator's console: the process's own stdin and stdout. */
export function processConsole(): ConsoleIO {
  return {
    input: process.stdin,
    print: (line) => process.stdout.write(`${line}\n`),
  };
}
