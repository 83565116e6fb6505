// Start a real server on 127.0.0.1, port 0, with a silent logger; stop it after the test.
import pino from "pino";
import type { LogOptions } from "../../src/log.js";
import {
  type ModelName,
  type RunningServer,
  type ServerConfig,
  startServer,
} from "../../src/models/index.js";
import { DEFAULT_SERVICE_CONFIG, type ServiceConfig, type ServiceName } from "../../src/services/index.js";
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from "../../src/transport/tcp-line-connection.js";

export interface TestServerOptions extends Partial<Omit<ServerConfig, "service" | "limits">> {
  service?: Partial<ServiceConfig>;
  limits?: Partial<ConnectionLimits>;
}

const SILENT: LogOptions = { level: "silent", format: "json" };

export function testConfig(service: ServiceName, options: TestServerOptions = {}): ServerConfig {
  const { service: serviceOptions, ...rest } = options;
  return {
    host: "127.0.0.1",
    port: 0,
    busy: "reply",
    maxThreads: 64,
    showThread: false,
    backlog: 511,
    log: pino({ level: "silent" }),
    logOptions: SILENT,
    console: null,
    ...rest,
    limits: { ...DEFAULT_CONNECTION_LIMITS, ...options.limits },
    service: { ...DEFAULT_SERVICE_CONFIG, name: service, ...serviceOptions },
  };
}

export function startTestServer(
  model: ModelName,
  service: ServiceName,
  options: TestServerOptions = {},
): Promise<RunningServer> {
  return startServer(model, testConfig(service, options));
}
