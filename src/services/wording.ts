// The words of a lab's original program, for the `lab` presets that re-create it. `serve` has none: its line
// services answer in their own clean words (`5`, `ERROR …`, `Bye`). Plain data: it is posted to workers.

export interface Wording {
  /** A calculator's result as the original printed it: `{}` is the result, `{thread}` the thread's id. */
  result?: string;
  /** What a request the calculator cannot evaluate, or a line it cannot read, gets (`{thread}` as above). */
  error?: string;
  /** A request answered with fixed words before the calculator sees it (seed 003's `Hi` → `Hello`). */
  greeting?: { ask: string; answer: string; anyCase: boolean };
  /** Requests that end the session, compared trimmed and in any case. */
  goodbyes: string[];
  /** Sent before closing on a goodbye; absent: the session ends without a word. */
  goodbyeReply?: string;
  /** What a client turned away while another is served gets (seed 001's `busy`). */
  busy?: string;
  /** Answer one request, then close (seed 000's `cases` server). */
  oneShot?: boolean;
  /** The operator console chats in turns: the client speaks, the operator answers. */
  chat?: ChatTurns;
}

export interface ChatTurns {
  /** The client's word that ends the chat, and what the server answers it (absent: nothing). */
  clientEnds: string;
  clientEndReply?: string;
  /** The operator's word that ends the chat; it is sent to the client as typed. */
  operatorEnds: string;
}

/** `template` with `{}` replaced by `value` and `{thread}` by `thread` (no `$` patterns, unlike replace). */
export function fillIn(template: string, value: string, thread = 0): string {
  return template.split("{thread}").join(String(thread)).split("{}").join(value);
}

/** Whether `text` is one of `words`, trimmed and in any case. */
export function isOneOf(text: string, words: readonly string[]): boolean {
  const word = text.trim().toLowerCase();
  return words.some((w) => w.toLowerCase() === word);
}
