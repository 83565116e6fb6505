// What a person types into `tcpchat chat`, parsed. Pure: the protocols turn these into wire lines.
export type ChatCommand =
  | { kind: "say"; text: string }
  | { kind: "me"; text: string }
  | { kind: "join"; room: string; key?: string }
  | { kind: "part"; room?: string; reason?: string }
  | { kind: "msg"; target: string; text: string }
  | { kind: "nick"; nick: string }
  | { kind: "names"; room?: string }
  | { kind: "list" }
  | { kind: "topic"; room?: string; text?: string }
  | { kind: "switch"; room: string }
  | { kind: "quit"; reason?: string }
  | { kind: "help" }
  | { kind: "invalid"; message: string };

export const CHAT_HELP = [
  "text                     say it in the current room",
  "/join <room> [key]       join a room (it becomes the current one)",
  "/part [room] [reason]    leave a room (default: the current one)",
  "/msg <nick> <text>       a private message",
  "/me <action>             an action in the current room",
  "/nick <new>              change your nickname",
  "/names [room]            who is in a room",
  "/list                    the rooms on the server",
  "/topic [text]            show or set the current room's topic",
  "/switch <room>           make another joined room the current one",
  "/quit [reason]           leave the server",
];

const USAGE: Record<string, string> = {
  join: "/join <room> [key]",
  msg: "/msg <nick> <text>",
  me: "/me <action>",
  nick: "/nick <new>",
  switch: "/switch <room>",
};

export function parseChatInput(input: string): ChatCommand | null {
  if (input.trim() === "") return null;
  if (!input.startsWith("/") || input.startsWith("//")) {
    return { kind: "say", text: input.startsWith("//") ? input.slice(1) : input };
  }
  const [, name = "", rest = ""] = /^\/(\S+)\s*(.*)$/.exec(input) ?? [];
  const [first = "", ...others] = rest.split(/\s+/).filter(Boolean);
  const after = rest.slice(rest.indexOf(first) + first.length).trim();
  const usage = (cmd: string): ChatCommand => ({ kind: "invalid", message: `usage: ${USAGE[cmd]}` });
  switch (name.toLowerCase()) {
    case "join":
    case "j":
      return first ? { kind: "join", room: first, ...(others[0] ? { key: others[0] } : {}) } : usage("join");
    case "part":
    case "leave":
      return { kind: "part", ...(first ? { room: first } : {}), ...(after ? { reason: after } : {}) };
    case "msg":
    case "query":
      return first && after ? { kind: "msg", target: first, text: after } : usage("msg");
    case "me":
      return rest.trim() ? { kind: "me", text: rest.trim() } : usage("me");
    case "nick":
      return first ? { kind: "nick", nick: first } : usage("nick");
    case "names":
      return { kind: "names", ...(first ? { room: first } : {}) };
    case "list":
      return { kind: "list" };
    case "topic":
      return rest.trim() ? { kind: "topic", text: rest.trim() } : { kind: "topic" };
    case "switch":
    case "go":
      return first ? { kind: "switch", room: first } : usage("switch");
    case "quit":
    case "exit":
      return { kind: "quit", ...(rest.trim() ? { reason: rest.trim() } : {}) };
    case "help":
      return { kind: "help" };
    default:
      return { kind: "invalid", message: `unknown command /${name}; /help lists them` };
  }
}
