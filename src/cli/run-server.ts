// Start a server from the command line: print the one stdout line scripts wait for, then shut down in
// order on SIGINT/SIGTERM.

import { startMemoryReducer } from "../memory-reducer.js";
import type { Listening, RunningServer, ServerConfig } from "../models/index.js";
import { type ModelName, startServer } from "../models/index.js";
import type { ConsoleIO } from "../services/operator.js";
import { describeStore, StoreError } from "../store/config.js";
import { formatEndpoint } from "../transport/line-connection.js";
import { EXIT } from "./exit.js";

/** However slow the clients, a signalled server is gone within this long. */
const SHUTDOWN_DEADLINE_MS = 4000;

export async function runServer(model: ModelName, config: ServerConfig): Promise<RunningServer> {
  const log = config.log;
  let server: RunningServer;
  try {
    server = await startServer(model, config);
  } catch (err) {
    if (err instanceof StoreError) {
      process.stderr.write(`tcpchat: ${err.message}\n`);
      process.exit(EXIT.failure);
    }
    const e = err as NodeJS.ErrnoException & { endpoint?: string };
    if (e.code === "TLS_FILES") {
      process.stderr.write(`tcpchat: ${e.message}\n`);
      process.exit(EXIT.failure);
    }
    const where = e.endpoint ?? formatEndpoint({ address: config.host, port: config.port });
    const why = listenFailure(e);
    if (why === null) throw err;
    process.stderr.write(`tcpchat: cannot listen on ${where}: ${why}\n`);
    process.exit(EXIT.failure);
  }
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) {
      log.warn("second %s: exiting now", why);
      process.exit(1);
    }
    stopping = true;
    log.info("%s: shutting down", why);
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();
    void server.shutdown();
  };
  void server.stopped.then(() => {
    log.info("stopped");
    process.exit(0);
  });
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  stopWithParent(stop);
  // Ready, and only now said: a script that signals the server as soon as it reads this line gets an
  // orderly shutdown.
  process.stdout.write(server.listeners.map((l) => `${listeningLine(l)}\n`).join(""));
  startMemoryReducer(log);
  const rooms = config.service.name === "rooms" ? { store: describeStore(config.service.rooms) } : {};
  log.info(
    { model, service: config.service.name, ...rooms },
    "serving %s with the %s model",
    config.service.name,
    model,
  );
  return server;
}

/** `listening on 127.0.0.1:6667`, `tls listening on 127.0.0.1:6697`: one line per listener. */
export function listeningLine(listener: Listening): string {
  const where = formatEndpoint({ address: listener.host, port: listener.port });
  if (listener.kind === "web") return `web listening on ${listener.secure ? "https" : "http"}://${where}/`;
  return listener.kind === "plain" ? `listening on ${where}` : `${listener.kind} listening on ${where}`;
}

/** The one line for the failures a user can meet and fix; null for the unexpected (shown in full). */
export function listenFailure(err: NodeJS.ErrnoException): string | null {
  switch (err.code) {
    case "EADDRINUSE":
      return "address already in use";
    case "EACCES":
      return "permission denied (ports below 1024 need privileges)";
    case "EADDRNOTAVAIL":
      return "address not available (no interface of this machine has it)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "unknown host";
    case "EAFNOSUPPORT":
      return "address family not supported";
    default:
      return null;
  }
}

/** How often a server started by npm checks that npm is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Under `npm start` or `npx`, npm runs the server through `sh -c`; a signal to npm kills the shell and would
 * leave the server running, orphaned, holding its port. So a server started by npm stops when its parent
 * changes. (A server started from a shell, with nohup or by systemd outlives its parent as it should.)
 */
function stopWithParent(stop: (why: string) => void): void {
  if (!process.env.npm_lifecycle_event && !process.env.npm_command) return;
  const parent = process.ppid;
  let stopped = false;
  setInterval(() => {
    if (process.ppid !== parent && !stopped) {
      stopped = true;
      stop("npm is gone");
    }
  }, PARENT_CHECK_MS).unref();
}

/** The operator's console: the process's own stdin and stdout. */
export function processConsole(): ConsoleIO {
  return {
    input: process.stdin,
    print: (line) => process.stdout.write(`${line}\n`),
  };
}
