// What a line typed in the message box asks for: text to say, or a slash command. Pure, no I/O.

export type Typed =
  | { kind: "say"; text: string }
  | { kind: "me"; text: string }
  | { kind: "join"; channel: string; key: string | null }
  | { kind: "part"; channel: string | null; reason: string }
  | { kind: "msg"; target: string; text: string }
  | { kind: "nick"; nick: string }
  | { kind: "topic"; channel: string | null; topic: string | null }
  | { kind: "quote"; line: string }
  | { kind: "help" }
  | { kind: "error"; text: string };

export const HELP =
  "Commands: /join #room, /part [reason], /msg nick text, /me action, /nick name, /topic [text], " +
  "/quote RAW LINE; //text sends text starting with a slash.";

/** Reads one typed line; `channelTypes` are the server's CHANTYPES ("#" or "#&"). */
export function parseTyped(input: string, channelTypes = "#"): Typed {
  if (!input.startsWith("/")) return { kind: "say", text: input };
  if (input.startsWith("//")) return { kind: "say", text: input.slice(1) };
  const space = input.indexOf(" ");
  const command = (space === -1 ? input.slice(1) : input.slice(1, space)).toLowerCase();
  const rest = space === -1 ? "" : input.slice(space + 1);
  const words = rest.split(" ").filter((w) => w !== "");
  const isChannel = (name: string | undefined) => name !== undefined && channelTypes.includes(name[0] ?? "");
  switch (command) {
    case "me":
    case "action":
      return rest.trim() === "" ? usage("/me action") : { kind: "me", text: rest };
    case "join":
    case "j": {
      const name = words[0];
      if (name === undefined) return usage("/join #room");
      return {
        kind: "join",
        channel: isChannel(name) ? name : `${channelTypes[0]}${name}`,
        key: words[1] ?? null,
      };
    }
    case "part":
    case "leave": {
      const named = isChannel(words[0]);
      const reason = named
        ? rest
            .trim()
            .slice((words[0] as string).length)
            .trim()
        : rest.trim();
      return { kind: "part", channel: named ? (words[0] as string) : null, reason };
    }
    case "msg":
    case "query": {
      const target = words[0];
      const at = target === undefined ? -1 : rest.indexOf(target) + target.length + 1;
      const text = at === -1 ? "" : rest.slice(at);
      if (target === undefined || (command === "msg" && text.trim() === "")) return usage("/msg nick text");
      return { kind: "msg", target, text };
    }
    case "nick":
      return rest.trim() === "" ? usage("/nick name") : { kind: "nick", nick: rest.trim() };
    case "topic": {
      const named = isChannel(words[0]);
      const text = named
        ? rest
            .trim()
            .slice((words[0] as string).length)
            .trimStart()
        : rest;
      return {
        kind: "topic",
        channel: named ? (words[0] as string) : null,
        topic: text === "" ? null : text,
      };
    }
    case "quote":
    case "raw":
      return rest.trim() === "" ? usage("/quote COMMAND params") : { kind: "quote", line: rest };
    case "help":
      return { kind: "help" };
    default:
      return { kind: "error", text: `Unknown command /${command}. ${HELP}` };
  }
}

function usage(text: string): Typed {
  return { kind: "error", text: `Usage: ${text}` };
}

/**
 * `text` cut into pieces of at most `maxBytes` UTF-8 bytes each, at spaces where it can and never inside a
 * character: what fits one PRIVMSG once the server has put the sender in front.
 */
export function splitMessage(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  const encoder = new TextEncoder();
  let rest = text;
  while (encoder.encode(rest).length > maxBytes) {
    let end = 0;
    let bytes = 0;
    for (const char of rest) {
      const size = encoder.encode(char).length;
      if (bytes + size > maxBytes) break;
      bytes += size;
      end += char.length;
    }
    const space = rest.lastIndexOf(" ", end);
    const cut = space > end / 2 ? space : end;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut === space ? cut + 1 : cut);
  }
  if (rest !== "" || pieces.length === 0) pieces.push(rest);
  return pieces;
}
