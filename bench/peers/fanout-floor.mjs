// The floor for fan-out: the least a server can do and still pass the benchmark's IRC. It welcomes any
// client after USER, answers JOIN with the end of NAMES, and relays each PRIVMSG to every other member of
// the channel: the lines relayed from one read go out in one write per member. No checks, no limits, no
// state beyond nick and channels. `node fanout-floor.mjs <port>`; prints the port.
import { createServer } from "node:net";

const rooms = new Map();

const server = createServer({ noDelay: true }, (socket) => {
  let nick = "*";
  let pending = "";
  const joined = [];
  socket.setEncoding("latin1");
  socket.on("data", (text) => {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    const out = new Map();
    let reply = "";
    for (const raw of lines) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      const space = line.indexOf(" ");
      const command = space === -1 ? line : line.slice(0, space);
      const rest = space === -1 ? "" : line.slice(space + 1);
      if (command === "PRIVMSG") {
        const room = rest.slice(0, rest.indexOf(" "));
        out.set(room, `${out.get(room) ?? ""}:${nick} ${line}\r\n`);
      } else if (command === "NICK") nick = rest;
      else if (command === "USER") reply += `:floor 001 ${nick} :welcome\r\n`;
      else if (command === "JOIN") {
        const members = rooms.get(rest) ?? new Set();
        rooms.set(rest, members);
        members.add(socket);
        joined.push(rest);
        reply += `:${nick} JOIN ${rest}\r\n:floor 366 ${nick} ${rest} :End of /NAMES list.\r\n`;
      } else if (command === "PING") reply += `PONG ${rest}\r\n`;
    }
    if (reply) socket.write(reply);
    for (const [room, text] of out)
      for (const member of rooms.get(room) ?? []) if (member !== socket) member.write(text, "latin1");
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    for (const room of joined) rooms.get(room)?.delete(socket);
  });
});
server.listen({ port: Number(process.argv[2] ?? 0), host: "127.0.0.1", backlog: 8192 }, () =>
  console.log(`listening on 127.0.0.1:${server.address().port}`),
);
