// IRCv3 Strict Transport Security (https://ircv3.net/specs/extensions/sts): a plain-text client is told
// the TLS port to reconnect to; a TLS client, how long to keep to TLS. Values need CAP LS 302.
import type { IrcClient } from "./client.js";

/** The `sts` capability with its value for this client's connection; null when STS is not offered. */
export function stsCapability(client: IrcClient): string | null {
  const sts = client.config.sts;
  const conn = client.conn;
  // A WebSocket's scheme is the page's to choose: STS is for IRC over TCP.
  if (sts === null || conn.websocket) return null;
  return conn.transport === "tls" ? `sts=duration=${sts.duration}` : `sts=port=${sts.port}`;
}
