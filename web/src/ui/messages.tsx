// The conversation's lines, as a live log: time, sender, text; joins and parts folded into quiet lines.
// Scrolling to the top asks the server for earlier messages.
import { useLayoutEffect, useRef } from "preact/hooks";
import type { ChatSession } from "../session.js";
import { type Conversation, describeQuiet, foldQuiet, type Line } from "../state.js";

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

function Time({ time }: { time: number }) {
  const date = new Date(time);
  return (
    <time dateTime={date.toISOString()} title={full.format(date)}>
      {clock.format(date)}
    </time>
  );
}

function Row({ line }: { line: Line }) {
  const cls = `line ${line.kind}${line.self ? " self" : ""}`;
  if (line.kind === "action")
    return (
      <li class={cls}>
        <Time time={line.time} />
        <span class="text">
          * <b class="from">{line.from}</b> {line.text}
        </span>
      </li>
    );
  if (line.from === "" || line.kind === "topic" || line.kind === "kick")
    return (
      <li class={cls}>
        <Time time={line.time} />
        <span class="text">{line.from === "" ? line.text : `${line.from} ${line.text}`}</span>
      </li>
    );
  return (
    <li class={cls}>
      <Time time={line.time} />
      <b class="from">{line.kind === "notice" ? `-${line.from}-` : line.from}</b>
      <span class="text">{line.text}</span>
    </li>
  );
}

export function Messages({ session, conversation }: { session: ChatSession; conversation: Conversation }) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  const before = useRef<{ key: string; height: number; top: number; first: number | undefined } | null>(null);
  const key = session.active;

  // Keep the view at the bottom while the reader is there; keep it still when earlier lines are put on top.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const was = before.current;
    const first = conversation.lines[0]?.id;
    // Another conversation opens at its latest line.
    if (was?.key !== key) pinned.current = true;
    if (was && was.key === key && was.first !== first && !pinned.current)
      el.scrollTop = was.top + (el.scrollHeight - was.height);
    else if (pinned.current || was?.key !== key) el.scrollTop = el.scrollHeight;
    before.current = { key, height: el.scrollHeight, top: el.scrollTop, first };
  });

  const scrolled = () => {
    const el = list.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (before.current) before.current.top = el.scrollTop;
    if (el.scrollTop < 80) session.loadEarlier(key);
  };

  const shown = foldQuiet(conversation.lines);
  return (
    <ol
      class="messages"
      role="log"
      aria-live="polite"
      aria-label={`Chat in ${conversation.name}`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must take focus to be scrolled by keyboard
      tabIndex={0}
      ref={list}
      onScroll={scrolled}
    >
      {conversation.historyLoading && <li class="line info">Loading earlier messages…</li>}
      {shown.map((item) =>
        item.kind === "line" ? (
          <Row key={item.line.id} line={item.line} />
        ) : (
          <li key={`q${item.id}`} class="line quiet">
            <Time time={item.lines[0]?.time ?? 0} />
            <span class="text">{describeQuiet(item.lines)}</span>
          </li>
        ),
      )}
    </ol>
  );
}
