// IRC's rfc1459 case mapping, the one place names are folded: "Nick[1]" and "nick{1}" are the same
// nickname, "#Lobby" and "#lobby" the same channel. Only ASCII folds, as the mapping says; advertised as
// CASEMAPPING=rfc1459.
export const CASEMAPPING = "rfc1459";

const FOLDABLE = /[A-Z[\]\\~]/;
const FOLDABLE_ALL = /[A-Z[\]\\~]/g;
const SPECIAL: Record<string, string> = { "[": "{", "]": "}", "\\": "|", "~": "^" };

export function fold(name: string): string {
  if (!FOLDABLE.test(name)) return name;
  return name.replace(FOLDABLE_ALL, (c) => SPECIAL[c] ?? String.fromCharCode(c.charCodeAt(0) + 32));
}
