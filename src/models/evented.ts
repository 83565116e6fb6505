// evented: one thread, non-blocking I/O, every client at once (the seeds' `select` servers). Node's event
// loop is the select loop: each socket's data event runs its session to completion.
import type { Socket } from "node:net";
import { LineServer } from "./line-server.js";

export class EventedServer extends LineServer {
  protected accept(socket: Socket): void {
    this.serveHere(socket);
  }
}
