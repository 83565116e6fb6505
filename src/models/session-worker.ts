// The body of one `threaded` worker: it runs one client's session and ends with it.
import { parentPort, threadId, workerData } from "node:worker_threads";
import { createLogger } from "../log.js";
import { createService } from "../services/index.js";
import type { HubLink } from "../services/service.js";
import type { LineConnection } from "../transport/line-connection.js";
import type { FromWorker, SessionWorkerData, ToWorker } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("session-worker runs only as a worker thread");
const data = workerData as SessionWorkerData;
const log = createLogger(data.logOptions).child({ thread: threadId });
const post = (message: FromWorker) => port.postMessage(message);

const service = createService(data.service, {
  log,
  console: null,
  replyPrefix: data.showThread ? `[Thread ${threadId}] ` : undefined,
  threadId,
});

let closing = false;
const conn: LineConnection = {
  ...data.conn,
  send(line) {
    if (!closing) post({ t: "send", line });
  },
  sendBytes(bytes) {
    // Sessions in workers write lines one by one; this is here for completeness.
    for (const line of bytes.toString("utf8").replace(/\n$/, "").split("\n")) this.send(line);
  },
  close(lastLine) {
    if (closing) return;
    closing = true;
    post({ t: "close", lastLine });
  },
};
const hub: HubLink | null = data.hasHub ? { post: (message) => post({ t: "hub", message }) } : null;
const session = service.open(conn, hub);

port.on("message", (message: ToWorker) => {
  switch (message.t) {
    case "line":
      if (!closing) session.line(message.text);
      return;
    case "line-error":
      if (!closing) session.lineError(message.error);
      return;
    case "end":
      if (!closing) session.end();
      return;
    case "closed":
      closing = true;
      session.closed();
      port.close();
      return;
  }
});
