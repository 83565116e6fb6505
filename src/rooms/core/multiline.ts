// IRCv3 draft/multiline in the core: a message of several lines is one message (one operation, one msgid)
// whose text is the lines joined by LF, each line joined to the one before without a LF when it is a
// concatenation (`draft/multiline-concat`). The lines themselves travel with it, so that every front-end
// can keep the composition the client chose: IRC clients without the capability get them one by one.

/** One line of a multiline message: its text, and whether it continues the line before it. */
export interface MultilineLine {
  text: string;
  /** Joined to the previous line with nothing between (`draft/multiline-concat`). */
  concat?: true;
}

/** The message's value: lines joined by LF, concatenations joined with nothing. */
export function combineLines(lines: readonly MultilineLine[]): string {
  let text = "";
  lines.forEach((line, i) => {
    text += i === 0 || line.concat ? line.text : `\n${line.text}`;
  });
  return text;
}

/**
 * Where in the combined text each concatenated line starts (UTF-16 offsets), comma-separated: with the
 * text, what the history keeps to give the lines back. "" when no line is a concatenation.
 */
export function concatOffsets(lines: readonly MultilineLine[]): string {
  const offsets: number[] = [];
  let at = 0;
  lines.forEach((line, i) => {
    if (i > 0) {
      if (line.concat) offsets.push(at);
      else at += 1;
    }
    at += line.text.length;
  });
  return offsets.join(",");
}

/** The lines back from the combined text and its concatenation offsets. */
export function splitLines(text: string, offsets: string): MultilineLine[] {
  const cuts = new Set(offsets === "" ? [] : offsets.split(",").map(Number));
  const lines: MultilineLine[] = [];
  let start = 0;
  let concat = false;
  for (let i = 0; i <= text.length; i++) {
    const end = i === text.length;
    const lf = !end && text.charCodeAt(i) === 0x0a;
    const cut = !end && !lf && i > 0 && cuts.has(i);
    if (!end && !lf && !cut) continue;
    lines.push(concat ? { text: text.slice(start, i), concat: true } : { text: text.slice(start, i) });
    concat = cut;
    start = lf ? i + 1 : i;
  }
  return lines;
}
