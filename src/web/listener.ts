// The web listener: HTTP (HTTPS when TLS is configured) for the pages and endpoints in its route table, and
// the upgrade to a WebSocket for IRC clients in a browser. Which sites' pages may open a WebSocket is the
// origin allow-list's to say, who the client is behind a reverse proxy the trusted proxies' (forwarded.ts);
// what happens to an accepted WebSocket is the server's.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import { type Endpoint, formatEndpoint } from "../transport/line-connection.js";
import { readTlsFiles, type TlsFiles } from "../transport/tls.js";
import { BINARY_SUBPROTOCOL, TEXT_SUBPROTOCOL } from "../transport/websocket-line-connection.js";
import { type ProxyHeader, TrustedProxies } from "./forwarded.js";

/** Plain data: posted to cluster workers as it is. */
export interface WebListenerConfig {
  port: number;
  /**
   * Origins whose pages may open a WebSocket (`https://chat.example.org`), `*` for any; null: only pages
   * served from this listener itself (the Origin's host is the Host the request was sent to).
   */
  origins: string[] | null;
  /** HTTPS with this certificate and key; null for plain HTTP. */
  tls: TlsFiles | null;
  /** Reverse proxies (addresses, CIDR blocks) whose `proxyHeader` names the client; none when absent. */
  trustProxy?: string[];
  /** The header the trusted proxies write the client's address in (default `x-forwarded-for`). */
  proxyHeader?: ProxyHeader;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What the server does with an accepted WebSocket. */
export interface WebSocketAcceptor {
  /** `client`: who the user is, the socket's peer or, through a trusted proxy, whom it forwarded. */
  websocket(ws: WebSocket, socket: Socket, binary: boolean, client: Endpoint): void;
}

export class WebListener {
  private readonly server: Server | HttpsServer;
  private readonly wss: WebSocketServer;
  private readonly routes = new Map<string, RouteHandler>();
  private readonly proxies: TrustedProxies;
  private stopping = false;

  constructor(
    private readonly config: WebListenerConfig,
    private readonly acceptor: WebSocketAcceptor,
    maxMessageBytes: number,
    private readonly log: Logger,
  ) {
    this.proxies = new TrustedProxies(config.trustProxy ?? []);
    const handle = (req: IncomingMessage, res: ServerResponse) => this.request(req, res);
    this.server = config.tls ? createHttpsServer(readTlsFiles(config.tls), handle) : createHttpServer(handle);
    this.server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    this.server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
      this.log.debug({ code: err.code }, "bad HTTP request: %s", err.message);
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
    });
    this.server.on("tlsClientError", (err: Error) =>
      this.log.debug("HTTPS handshake failed: %s", err.message),
    );
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: chooseSubprotocol,
    });
  }

  get secure(): boolean {
    return this.config.tls !== null;
  }

  /** Serve `path` (GET and HEAD) with `handler`. */
  route(path: string, handler: RouteHandler): void {
    this.routes.set(path, handler);
  }

  listen(host: string, backlog: number): Promise<number> {
    const server = this.server;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => reject(err);
      server.once("error", fail);
      server.listen({ host, port: this.config.port, backlog }, () => {
        server.off("error", fail);
        server.on("error", (err) => this.log.error({ err }, "web listener error"));
        const address = server.address();
        resolve(address && typeof address === "object" ? address.port : this.config.port);
      });
    });
  }

  reloadCertificates(files: TlsFiles): void {
    if (this.config.tls) (this.server as HttpsServer).setSecureContext(readTlsFiles(files));
  }

  /** Stop accepting; the WebSockets are the server's to close. Idle HTTP keep-alive connections go now. */
  close(): void {
    this.stopping = true;
    this.server.close();
    this.server.closeIdleConnections();
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] as string;
    const handler = this.routes.get(path);
    if (!handler) {
      reply(res, 404, "not found\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      reply(res, 405, "method not allowed\n");
      return;
    }
    handler(req, res);
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on("error", () => {});
    if (this.stopping) {
      refuse(socket, 503, "Service Unavailable");
      return;
    }
    const peer = { address: socket.remoteAddress ?? "?", port: socket.remotePort ?? 0 };
    const client = this.proxies.clientOf(peer, req.headers, this.config.proxyHeader ?? "x-forwarded-for");
    if (client !== peer && this.log.isLevelEnabled("debug"))
      this.log.debug(
        { client: formatEndpoint(client), proxy: formatEndpoint(peer) },
        "websocket through a trusted proxy",
      );
    if (!this.originAllowed(req)) {
      this.log.info(
        { origin: req.headers.origin, peer: client.address },
        "websocket from another site refused",
      );
      refuse(socket, 403, "Forbidden");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.acceptor.websocket(ws, socket, ws.protocol === BINARY_SUBPROTOCOL, client);
    });
  }

  /** Browsers always send Origin; other clients (IRC programs, scripts) may not, and are not pages. */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const allowed = this.config.origins;
    if (allowed === null) return sameOrigin(origin, req.headers.host, this.secure);
    return allowed.includes("*") || allowed.includes(normalOrigin(origin));
  }
}

/** The first of the client's subprotocols that is IRC's, in the client's order; text when it offers none. */
function chooseSubprotocol(offered: Set<string>): string | false {
  for (const protocol of offered) {
    if (protocol === TEXT_SUBPROTOCOL || protocol === BINARY_SUBPROTOCOL) return protocol;
  }
  return false;
}

/** `https://Example.org:443/` → `https://example.org`: origins compared as browsers send them. */
export function normalOrigin(origin: string): string {
  try {
    return new URL(origin).origin.toLowerCase();
  } catch {
    return origin.toLowerCase();
  }
}

function sameOrigin(origin: string, host: string | undefined, secure: boolean): boolean {
  if (host === undefined) return false;
  return normalOrigin(origin) === normalOrigin(`${secure ? "https" : "http"}://${host}`);
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function refuse(socket: Socket, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
