// The web listener's own endpoints: /healthz (the process answers), /readyz (it listens and its bus is
// connected: ready for clients), /metrics (Prometheus text; under `cluster`, every worker's added up).
import cluster from "node:cluster";
import type { ServerResponse } from "node:http";
import { clusterMetrics } from "../metrics/cluster.js";
import { counters } from "../metrics/counters.js";
import { metricsRegistry } from "../metrics/registry.js";
import type { WebListener } from "./listener.js";

/** Why the server is not ready for clients, or null when it is. */
export type Readiness = () => string | null;

export function addEndpoints(web: WebListener, notReady: Readiness): void {
  const registry = metricsRegistry();
  web.route("/healthz", (_req, res) => text(res, 200, "ok\n"));
  web.route("/readyz", (_req, res) => {
    const why = notReady() ?? (counters.rooms?.().busConnected === false ? "the bus is not connected" : null);
    text(res, why === null ? 200 : 503, why === null ? "ready\n" : `not ready: ${why}\n`);
  });
  web.route("/metrics", (_req, res) => {
    const scrape = cluster.isWorker ? clusterMetrics() : registry.metrics();
    scrape.then(
      (body) => {
        res.writeHead(200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" });
        res.end(body);
      },
      (err: Error) => text(res, 500, `metrics unavailable: ${err.message}\n`),
    );
  });
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(body);
}
