// The Prometheus view of this process: prom-client metrics whose values are read from the plain counters
// (counters.ts) when scraped, never set on the hot path; Node's own figures (event-loop lag, memory, CPU)
// from prom-client's defaults. Under `cluster` the primary adds up the workers' (cluster.ts beside this).
import cluster from "node:cluster";
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import {
  CONNECTION_PROTOCOLS,
  CONNECTION_TRANSPORTS,
  connectionSlot,
  counters,
  type RoomsGauges,
} from "./counters.js";

let registry: Registry | null = null;

const NO_ROOMS: RoomsGauges = { users: 0, localUsers: 0, rooms: 0, busConnected: null };

/** This process's registry, made on first use. */
export function metricsRegistry(): Registry {
  if (registry) return registry;
  const r = new Registry();
  registry = r;
  const registers = [r];
  collectDefaultMetrics({ register: r });
  new Gauge({
    name: "tcpchat_connections",
    help: "Open client connections, by the protocol they speak (unknown until they have) and transport",
    labelNames: ["protocol", "transport"],
    registers,
    aggregator: "sum",
    collect() {
      for (const protocol of CONNECTION_PROTOCOLS) {
        for (const transport of CONNECTION_TRANSPORTS) {
          this.set({ protocol, transport }, counters.connections[connectionSlot(protocol, transport)] ?? 0);
        }
      }
    },
  });
  // Every node knows every user and room of the bus: the workers' figures are the same, not to be added.
  gauge("tcpchat_users", "Registered users, on every node this one knows of", "max", (g) => g.users);
  gauge("tcpchat_local_users", "Registered users connected to this server", "sum", (g) => g.localUsers);
  gauge("tcpchat_rooms", "Rooms", "max", (g) => g.rooms);
  gauge(
    "tcpchat_bus_connected",
    "1 while the bus to the other nodes is reachable (0 without a bus)",
    "min",
    (g) => (g.busConnected ? 1 : 0),
  );
  counter("tcpchat_lines_in_total", "Lines read from clients", () => counters.linesIn);
  counter(
    "tcpchat_deliveries_out_total",
    "Writes to clients' connections: a line sent to a room counts once per recipient",
    () => counters.deliveriesOut,
  );
  new Counter({
    name: "tcpchat_disconnects_total",
    help: "Clients closed by the server: send-queue (they did not read), flood",
    labelNames: ["reason"],
    registers,
    aggregator: "sum",
    collect() {
      this.reset();
      this.inc({ reason: "send-queue" }, counters.sendQueueDisconnects);
      this.inc({ reason: "flood" }, counters.floodDisconnects);
    },
  });
  new Counter({
    name: "tcpchat_bus_messages_total",
    help: "Operations published on the bus (out) and received from other nodes (in)",
    labelNames: ["direction"],
    registers,
    aggregator: "sum",
    collect() {
      this.reset();
      this.inc({ direction: "out" }, counters.busOut);
      this.inc({ direction: "in" }, counters.busIn);
    },
  });
  new Gauge({
    name: "tcpchat_bus_lag_seconds",
    help: "The longest delay from an operation made on another node to its arrival here, since the last scrape",
    registers,
    aggregator: "max",
    collect() {
      this.set(counters.busLagMaxMs / 1000);
      counters.busLagMaxMs = 0;
    },
  });
  if (cluster.isWorker) {
    // The primary asks each worker for its registry through prom-client's own messages.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([r]);
  }
  return r;

  function gauge(
    name: string,
    help: string,
    aggregator: "sum" | "max" | "min",
    read: (g: RoomsGauges) => number,
  ): void {
    new Gauge({
      name,
      help,
      registers,
      aggregator,
      collect() {
        this.set(read(counters.rooms?.() ?? NO_ROOMS));
      },
    });
  }

  function counter(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers,
      aggregator: "sum",
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }
}
