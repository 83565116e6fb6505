// The floor for request/response: raw Node, no framework. Echoes each line back; prints the port.
import { createServer } from "node:net";

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let pending = "";
  socket.setEncoding("utf8");
  socket.on("data", (text) => {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    if (lines.length > 0) socket.write(`${lines.join("\n")}\n`);
  });
  socket.on("error", () => {});
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () =>
  console.log(`listening on 127.0.0.1:${server.address().port}`),
);
