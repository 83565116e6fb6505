// The bus through the cluster's primary process, for `--model cluster` without Redis: a worker sends its
// envelopes to the primary, which passes them to every other worker in the order it got them, holds the
// nick claims, and tells the workers when one of them exits.

import type { Worker } from "node:cluster";
import { randomUUID } from "node:crypto";
import type { Envelope } from "./ops.js";
import type { BusHandlers, BusTransport } from "./transport.js";

/** What workers and the primary say to each other about the bus. */
export type IpcBusMessage =
  | { bus: "node"; node: string }
  | { bus: "envelope"; envelope: Envelope }
  | { bus: "claim"; request: number; folded: string; owner: string }
  | { bus: "claimed"; request: number; ok: boolean }
  | { bus: "release"; folded: string; owner: string }
  | { bus: "gone"; node: string };

function isBusMessage(message: unknown): message is IpcBusMessage {
  return typeof message === "object" && message !== null && "bus" in message;
}

/** The worker's side. */
export class IpcTransport implements BusTransport {
  readonly nodeId = randomUUID();
  private handlers: BusHandlers | null = null;
  private lastRequest = 0;
  private readonly pending = new Map<number, (ok: boolean) => void>();

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

  claimNick(folded: string, owner: number): Promise<boolean | null> {
    this.lastRequest += 1;
    const request = this.lastRequest;
    return new Promise((resolve) => {
      this.pending.set(request, resolve);
      if (!this.send({ bus: "claim", request, folded, owner: `${this.nodeId}:${owner}` })) {
        this.pending.delete(request);
        resolve(null);
      }
    });
  }

  releaseNick(folded: string, owner: number): void {
    this.send({ bus: "release", folded, owner: `${this.nodeId}:${owner}` });
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
      case "claimed":
        this.pending.get(message.request)?.(message.ok);
        this.pending.delete(message.request);
        return;
      case "gone":
        this.handlers?.nodeGone(message.node);
        return;
    }
  }
}

/** The primary's side: relays envelopes, keeps the claims, reports exits. */
export class IpcBusRelay {
  private readonly nodes = new Map<Worker, string>();
  private readonly nicks = new Map<string, string>();

  add(worker: Worker): void {
    worker.on("message", (message: unknown) => {
      if (isBusMessage(message)) this.receive(worker, message);
    });
  }

  /** A worker exited: the others drop its users, and its nicks are free. */
  remove(worker: Worker): void {
    const node = this.nodes.get(worker);
    this.nodes.delete(worker);
    if (!node) return;
    for (const [folded, owner] of this.nicks) if (owner.startsWith(`${node}:`)) this.nicks.delete(folded);
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
      case "claim": {
        const holder = this.nicks.get(message.folded);
        if (holder === undefined) this.nicks.set(message.folded, message.owner);
        const ok = holder === undefined || holder === message.owner;
        send(worker, { bus: "claimed", request: message.request, ok });
        return;
      }
      case "release":
        if (this.nicks.get(message.folded) === message.owner) this.nicks.delete(message.folded);
        return;
    }
  }
}

function send(worker: Worker, message: IpcBusMessage): void {
  if (worker.isConnected()) worker.send(message);
}
