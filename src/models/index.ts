// The concurrency models by name.
import { ClusterServer, defaultWorkers } from "./cluster.js";
import { EventedServer } from "./evented.js";
import type { LineServer, RunningServer, ServerConfig } from "./line-server.js";
import { SingleServer } from "./single.js";
import { ThreadedServer } from "./threaded.js";

export const MODEL_NAMES = ["single", "threaded", "evented", "cluster"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export async function startServer(model: ModelName, config: ServerConfig): Promise<RunningServer> {
  if (model === "cluster") {
    const server = new ClusterServer(config, config.workers ?? defaultWorkers());
    await server.listen();
    return server;
  }
  const server: LineServer =
    model === "single"
      ? new SingleServer(config)
      : model === "threaded"
        ? new ThreadedServer(config)
        : new EventedServer(config);
  await server.listen();
  return server;
}

export {
  BUSY_POLICIES,
  type BusyPolicy,
  type Listening,
  type RunningServer,
  type ServerConfig,
} from "./line-server.js";
