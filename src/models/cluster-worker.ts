// A cluster worker: the evented model on the port the primary shares, configured by the primary.
import { createLogger } from "../log.js";
import { startMemoryReducer } from "../memory-reducer.js";
import { type ClusterMessage, type ClusterWorkerConfig, CONFIG_ENV } from "./cluster.js";
import { startServer } from "./index.js";

const config = JSON.parse(process.env[CONFIG_ENV] ?? "null") as ClusterWorkerConfig | null;
if (!config || !process.send) throw new Error("cluster-worker runs only as a worker of the cluster model");

const log = createLogger(config.logOptions).child({ worker: Number(process.env.TCPCHAT_WORKER_NUMBER) });
const tell = (message: ClusterMessage) => process.connected && process.send?.(message);
const server = await startServer("evented", {
  ...config,
  busy: "reply",
  maxThreads: 1,
  showThread: false,
  log,
  console: null,
}).catch((err: NodeJS.ErrnoException) => {
  // The primary reports it, once for all workers.
  tell({ cluster: "cannot-listen", code: err.code, message: err.message });
  process.exit(1);
});
let asked = false;
process.on("message", (message: ClusterMessage) => {
  if (message?.cluster === "reload-certificates") {
    server.reloadCertificates(message.files).catch((err: Error) => {
      log.error("TLS certificate not reloaded (the running one stays): %s", err.message);
    });
  }
  if (message?.cluster !== "shutdown") return;
  asked = true;
  void server.shutdown();
});
// The primary gone means the server is gone.
process.on("disconnect", () => void server.shutdown());
// Signals go to the whole process group; the primary decides.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
void server.stopped.then(() => {
  if (!asked) tell({ cluster: "stop-all" }); // KILL_SERVICE in this worker stops them all
  process.exit(0);
});
tell({ cluster: "listening", listeners: [...server.listeners] });
startMemoryReducer(log);
