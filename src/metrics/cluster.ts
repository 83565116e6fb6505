// /metrics under `cluster`: whichever worker the scrape reaches asks the primary, which gathers every
// worker's registry (prom-client's AggregatorRegistry) and answers with the sum: one view of the server.
import type { Worker } from "node:cluster";
import { AggregatorRegistry, type PrometheusContentType } from "prom-client";

/** Between a worker and the primary, beside the cluster's other messages. */
export type MetricsMessage =
  | { cluster: "metrics-request"; id: number }
  | { cluster: "metrics-reply"; id: number; text: string | null; error?: string };

let aggregator: AggregatorRegistry<PrometheusContentType> | null = null;

/** In the primary: answer a worker's request with every worker's metrics added up. */
export function answerMetricsRequest(worker: Worker, id: number): void {
  aggregator ??= new AggregatorRegistry();
  aggregator.clusterMetrics().then(
    (text: string) => reply(worker, { cluster: "metrics-reply", id, text }),
    (err: Error) => reply(worker, { cluster: "metrics-reply", id, text: null, error: err.message }),
  );
}

function reply(worker: Worker, message: MetricsMessage): void {
  if (worker.isConnected()) worker.send(message);
}

let lastId = 0;
const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
let listening = false;

/** In a worker: the whole cluster's metrics, from the primary. */
export function clusterMetrics(): Promise<string> {
  if (!listening) {
    listening = true;
    process.on("message", (message: MetricsMessage) => {
      if (message?.cluster !== "metrics-reply") return;
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.text !== null) pending?.resolve(message.text);
      else pending?.reject(new Error(message.error ?? "no metrics"));
    });
  }
  lastId += 1;
  const id = lastId;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    process.send?.({ cluster: "metrics-request", id } satisfies MetricsMessage);
  });
}
