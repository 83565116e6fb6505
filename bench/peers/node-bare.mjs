// A bare Node socket server: it accepts and holds connections, nothing more. Its memory per idle
// connection is the yardstick for tcpchat's (`tcpchat bench connections`).
import { createServer } from "node:net";

const sockets = new Set();
const server = createServer((socket) => {
  sockets.add(socket);
  socket.on("error", () => {});
  socket.on("close", () => sockets.delete(socket));
});
server.listen({ port: Number(process.argv[2] ?? 0), host: "127.0.0.1", backlog: 8192 }, () =>
  console.log(`listening on 127.0.0.1:${server.address().port}`),
);
