// Whether a server let go of its port: what a restart on the same port needs.
import { createServer } from "node:net";

/**
 * Resolves true when `port` on `host` can be listened on again (its server is gone, not merely refusing),
 * false when it is still taken.
 */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      err.code === "EADDRINUSE" ? resolve(false) : reject(err),
    );
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
