// single: one client at a time, like the seeds' blocking servers. What happens to the others while one is
// served is the busy policy:
// - queue: they wait, connected but unread, and are served in turn (seed 000; the kernel's backlog).
// - reply: they get the busy line and are closed (seed 001's server1_u, whose line is `busy`).
// - refuse: the listening socket is closed, so connecting fails with ECONNREFUSED (seed 001's server1 on
//   Linux); it listens again on the same port when the client leaves.
import type { Socket } from "node:net";
import { SHUTDOWN_REPLY } from "../services/line-rules.js";
import { LineServer } from "./line-server.js";

export class SingleServer extends LineServer {
  private serving = false;
  private readonly waiting: Socket[] = [];

  protected override pauseOnConnect(): boolean {
    return true;
  }

  protected accept(socket: Socket): void {
    if (!this.serving) {
      this.serve(socket);
      return;
    }
    if (this.config.busy === "queue" && this.waiting.length < this.config.backlog) {
      this.waiting.push(socket);
      socket.once("close", () => {
        const at = this.waiting.indexOf(socket);
        if (at !== -1) this.waiting.splice(at, 1);
      });
      socket.on("error", () => {});
      return;
    }
    // `reply`, a full queue, or a connection that slipped in while the listener was closing.
    this.turnAway(socket, this.busyReply);
  }

  private serve(socket: Socket): void {
    this.serving = true;
    if (this.config.busy === "refuse") this.server.close();
    this.serveHere(socket);
    socket.resume();
  }

  /** The client served is leaving: take the next. */
  override connectionClosing(): void {
    void this.next();
  }

  private async next(): Promise<void> {
    this.serving = false;
    if (this.isStopping) return;
    if (this.config.busy === "refuse") {
      this.server = this.newListener();
      try {
        await this.listenOn(this.port);
      } catch (err) {
        this.log.error({ err }, "cannot listen again on port %d", this.port);
        return;
      }
    }
    const socket = this.waiting.shift();
    if (socket) this.serve(socket);
  }

  override async shutdown(): Promise<void> {
    for (const socket of this.waiting.splice(0)) this.turnAway(socket, SHUTDOWN_REPLY);
    await super.shutdown();
  }
}
