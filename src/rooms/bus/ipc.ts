// The bus through the cluster's primary process, for `--model cluster` without Redis: a worker sends its
// envelopes to the primary, which passes them to every other worker in the order it got them, and tells
// the workers when one of them exits.

import type { Worker } from "node:cluster";
import { randomUUID } from "node:crypto";
import type { Envelope } from "./ops.js";
import type { BusHandlers, BusTransport } from "./transport.js";

/** What workers and the primary say to each other about the bus. */
export type IpcBusMessage =
  | { bus: "node"; node: string }
  | { bus: "envelope"; envelope: Envelope }
  | { bus: "gone"; node: string };

function isBusMessage(message: unknown): message is IpcBusMessage {
  return typeof message === "object" && message !== null && "bus" in message;
}

/** The worker's side. */
export class IpcTransport implements BusTransport {
  readonly nodeId = randomUUID();
  private handlers: BusHandlers | null = null;

  async start(handlers: BusHandlers): Promise<number> {
    const send = process.send?.bind(process);
    if (!send) throw new Error("the ipc bus runs only in a cluster worker");
    this.handlers = handlers;
    process.on("message", (message: unknown) => {
      if (isBusMessage(message)) this.receive(message);
    });
    this.send({ bus: "node", node: this.nodeId });
    handlers.up();
    return Number(process.env.TCPCHAT_WORKER_NUMBER ?? process.pid);
  }

  publish(envelope: Envelope): boolean {
    return this.send({ bus: "envelope", envelope });
  }

  async close(): Promise<void> {
    this.handlers = null;
  }

  private send(message: IpcBusMessage): boolean {
    if (!process.connected || !process.send) return false;
    process.send(message);
    return true;
  }

  private receive(message: IpcBusMessage): void {
    switch (message.bus) {
      case "envelope":
        this.handlers?.envelope(message.envelope);
        return;
      case "gone":
        this.handlers?.nodeGone(message.node);
        return;
    }
  }
}

/** The primary's side: relays envelopes, reports exits. */
export class IpcBusRelay {
  private readonly nodes = new Map<Worker, string>();

  add(worker: Worker): void {
    worker.on("message", (message: unknown) => {
      if (isBusMessage(message)) this.receive(worker, message);
    });
  }

  /** A worker exited: the others drop its users (and so free their nicks). */
  remove(worker: Worker): void {
    const node = this.nodes.get(worker);
    this.nodes.delete(worker);
    if (!node) return;
    for (const other of this.nodes.keys()) send(other, { bus: "gone", node });
  }

  private receive(worker: Worker, message: IpcBusMessage): void {
    switch (message.bus) {
      case "node":
        this.nodes.set(worker, message.node);
        return;
      case "envelope":
        for (const other of this.nodes.keys()) if (other !== worker) send(other, message);
        return;
    }
  }
}

function send(worker: Worker, message: IpcBusMessage): void {
  if (worker.isConnected()) worker.send(message);
}
