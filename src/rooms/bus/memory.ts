// A bus in memory, for several nodes in one process (the conformance tests): the same ordering as Redis
// (each node's envelopes arrive in the order sent, after the current turn).
import { randomUUID } from "node:crypto";
import type { Envelope } from "./ops.js";
import type { BusHandlers, BusTransport } from "./transport.js";

export class MemoryNetwork {
  private readonly nodes = new Map<string, MemoryTransport>();
  private lastNumber = 0;

  /** A network by name, so that servers configured with `memory:<name>` share it. */
  static named(name: string): MemoryNetwork {
    let network = NETWORKS.get(name);
    if (!network) {
      network = new MemoryNetwork();
      NETWORKS.set(name, network);
    }
    return network;
  }

  transport(): MemoryTransport {
    return new MemoryTransport(this);
  }

  /** @internal */
  join(node: MemoryTransport): number {
    this.nodes.set(node.nodeId, node);
    this.lastNumber += 1;
    return this.lastNumber;
  }

  /** @internal */
  leave(node: MemoryTransport): void {
    if (!this.nodes.delete(node.nodeId)) return;
    for (const other of this.nodes.values()) other.queue({ gone: node.nodeId });
  }

  /** @internal */
  broadcast(from: MemoryTransport, envelope: Envelope): void {
    // Each receiver gets its own copy, as over a wire.
    const text = JSON.stringify(envelope);
    for (const node of this.nodes.values()) if (node !== from) node.queue({ envelope: JSON.parse(text) });
  }
}

const NETWORKS = new Map<string, MemoryNetwork>();

type Delivery = { envelope: Envelope } | { gone: string };

export class MemoryTransport implements BusTransport {
  readonly nodeId = randomUUID();
  private handlers: BusHandlers | null = null;
  private readonly inbox: Delivery[] = [];
  private scheduled = false;

  constructor(private readonly network: MemoryNetwork) {}

  async start(handlers: BusHandlers): Promise<number> {
    this.handlers = handlers;
    const number = this.network.join(this);
    handlers.up();
    return number;
  }

  publish(envelope: Envelope): boolean {
    this.network.broadcast(this, envelope);
    return true;
  }

  async close(): Promise<void> {
    this.network.leave(this);
    this.handlers = null;
  }

  /** @internal */
  queue(delivery: Delivery): void {
    this.inbox.push(delivery);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    for (const delivery of this.inbox.splice(0)) {
      const handlers = this.handlers;
      if (!handlers) return;
      if ("envelope" in delivery) handlers.envelope(delivery.envelope);
      else handlers.nodeGone(delivery.gone);
    }
  }
}
