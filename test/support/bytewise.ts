// Input cut into single bytes, for real: each byte is written only once the peer has read the one before.
// Writing bytes in a tight loop does not do it: on loopback they pile up in the peer's receive queue and
// its next read takes them all (24 writes arrived as 2 reads). The kernel's own account says when the peer
// has read: the connection's entries in /proc/net/tcp (our send queue and the peer's receive queue, both
// empty). It works whoever the peer is (this process, a worker thread, a cluster worker, a child process).
import { readFile } from "node:fs/promises";
import type { Socket } from "node:net";
import { DEFAULT_WAIT_MS } from "./timing.js";

/** Why bytewise writing cannot be proved here, or false when it can. */
export const PROC_NET_MISSING = await readFile("/proc/net/tcp", "utf8").then(
  () => false as const,
  () => "needs Linux's /proc/net/tcp: the only way to see that the peer read each byte on its own",
);

/** The queues of the TCP connections between two ports, by `localPort:remotePort`. */
async function queues(portA: number, portB: number): Promise<Map<string, { tx: number; rx: number }>> {
  // Only this connection's lines are parsed: the files list every socket of the machine.
  const hex = (port: number) => `:${port.toString(16).toUpperCase().padStart(4, "0")} `;
  const [a, b] = [hex(portA), hex(portB)];
  const byPorts = new Map<string, { tx: number; rx: number }>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(file, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      if (!line.includes(a) || !line.includes(b)) continue;
      const fields = line.trim().split(/\s+/);
      const [local, remote, , queue] = [fields[1], fields[2], fields[3], fields[4]];
      if (local === undefined || remote === undefined || queue === undefined) continue;
      const port = (address: string) => Number.parseInt(address.slice(address.lastIndexOf(":") + 1), 16);
      const [tx, rx] = queue.split(":").map((hex) => Number.parseInt(hex, 16));
      byPorts.set(`${port(local)}:${port(remote)}`, { tx: tx ?? 0, rx: rx ?? 0 });
    }
  }
  return byPorts;
}

/** Resolves once everything written on `socket` has been read by the peer (or the connection is gone). */
export async function peerHasRead(socket: Socket, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const ours = `${socket.localPort}:${socket.remotePort}`;
  const theirs = `${socket.remotePort}:${socket.localPort}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await queues(socket.localPort ?? 0, socket.remotePort ?? 0);
    const mine = all.get(ours);
    const peer = all.get(theirs);
    if (mine === undefined || peer === undefined) return;
    if (mine.tx === 0 && peer.rx === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `the peer did not read within ${timeoutMs} ms (send queue ${mine.tx}, its receive queue ${peer.rx})`,
      );
    // The kernel has no event for this: look again shortly.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Writes `data` one byte per write, each after the peer has read the one before. */
export async function writeBytewise(socket: Socket, data: string | Uint8Array): Promise<void> {
  socket.setNoDelay(true);
  for (const byte of typeof data === "string" ? Buffer.from(data) : data) {
    await new Promise<void>((resolve, reject) =>
      socket.write(Uint8Array.of(byte), (err) => (err ? reject(err) : resolve())),
    );
    await peerHasRead(socket);
  }
}

/** Resolves once what we wrote backs up: our send queue and the peer's receive queue both hold data. */
export async function peerStoppedReading(socket: Socket, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const ours = `${socket.localPort}:${socket.remotePort}`;
  const theirs = `${socket.remotePort}:${socket.localPort}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await queues(socket.localPort ?? 0, socket.remotePort ?? 0);
    if ((all.get(ours)?.tx ?? 0) > 0 && (all.get(theirs)?.rx ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`the peer kept reading for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
