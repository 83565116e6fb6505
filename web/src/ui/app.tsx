// The chat page: the rooms and private conversations (a navigation landmark), the conversation with its
// topic, the members, the message box, and the connection's state. On a narrow screen the rooms and the
// members are panels opened from the header.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ChatSession } from "../session.js";
import { Login } from "./login.js";
import { Messages } from "./messages.js";

export function App({ session }: { session: ChatSession }) {
  const [, setDrawn] = useState(0);
  useEffect(() => session.onChange(() => setDrawn((n) => n + 1)), [session]);
  useEffect(() => {
    const unread = [...session.conversations.values()].reduce((sum, c) => sum + c.unread, 0);
    document.title = unread > 0 ? `(${unread}) tcpchat` : "tcpchat";
  });
  if (session.phase === "login" || (session.phase === "connecting" && session.conversations.size === 1))
    return <Login session={session} />;
  return <Chat session={session} />;
}

type Panel = "none" | "rooms" | "members";

function Chat({ session }: { session: ChatSession }) {
  const [panel, setPanel] = useState<Panel>("none");
  const [draft, setDraft] = useState("");
  const box = useRef<HTMLInputElement>(null);
  const here = session.activeConversation;

  const open = (key: string) => {
    session.select(key);
    setPanel("none");
    box.current?.focus();
  };
  const send = (event: Event) => {
    event.preventDefault();
    if (draft === "") return;
    session.typed(draft);
    setDraft("");
  };
  useEffect(() => box.current?.focus(), []);
  const keys = (event: KeyboardEvent) => {
    if (event.key === "Escape") setPanel("none");
    // Alt+Up/Down: the previous or next conversation.
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      const list = [...session.conversations.keys()];
      const at = list.indexOf(session.active) + (event.key === "ArrowUp" ? -1 : 1);
      const next = list[(at + list.length) % list.length];
      if (next !== undefined) open(next);
      event.preventDefault();
    }
  };
  useEffect(() => {
    window.addEventListener("keydown", keys);
    return () => window.removeEventListener("keydown", keys);
  });
  const members = [...here.members.values()].sort(
    (a, b) => rank(a.prefix) - rank(b.prefix) || a.nick.localeCompare(b.nick),
  );

  return (
    <div class={`chat panel-${panel}${here.kind === "channel" ? "" : " no-members"}`}>
      <nav class="rooms" aria-label="Rooms">
        <h2>Rooms</h2>
        <ul>
          {[...session.conversations.entries()].map(([key, c]) => (
            <li key={key}>
              <button
                type="button"
                class={`room${key === session.active ? " active" : ""}${c.mentioned ? " mentioned" : ""}`}
                aria-current={key === session.active ? "page" : undefined}
                onClick={() => open(key)}
              >
                <span class="name">{c.kind === "server" ? "Server" : c.name}</span>
                {c.unread > 0 && (
                  <span class="unread">
                    {c.unread}
                    <span class="sr-only"> unread</span>
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
        <p class="me">
          You are <b>{session.nick}</b>
        </p>
      </nav>
      <main class="conversation">
        <header>
          <button
            type="button"
            class="toggle rooms-toggle"
            aria-expanded={panel === "rooms"}
            onClick={() => setPanel(panel === "rooms" ? "none" : "rooms")}
          >
            Rooms
          </button>
          <div class="title">
            <h1>{here.kind === "server" ? "Server" : here.name}</h1>
            <p class="topic" title={here.topic}>
              {here.topic}
            </p>
          </div>
          {here.kind === "channel" && (
            <button
              type="button"
              class="toggle members-toggle"
              aria-expanded={panel === "members"}
              onClick={() => setPanel(panel === "members" ? "none" : "members")}
            >
              Members <span class="count">{here.members.size}</span>
            </button>
          )}
        </header>
        {session.status !== "" && (
          <p class="status" role="status">
            {session.status}{" "}
            {session.phase === "waiting" && (
              <button type="button" onClick={() => session.retryNow()}>
                Retry now
              </button>
            )}
          </p>
        )}
        <Messages session={session} conversation={here} />
        <form class="composer" onSubmit={send}>
          <input
            ref={box}
            aria-label="Message"
            placeholder={here.kind === "server" ? "/join #room" : `Message ${here.name}`}
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
            autocomplete="off"
            enterKeyHint="send"
          />
          <button type="submit">Send</button>
        </form>
      </main>
      {here.kind === "channel" && (
        <aside class="members" aria-label="Members">
          <h2>Members ({members.length})</h2>
          <ul>
            {members.map((m) => (
              <li key={m.nick}>
                <span class="prefix">{m.prefix}</span>
                <span class="nick">{m.nick}</span>
              </li>
            ))}
          </ul>
        </aside>
      )}
    </div>
  );
}

function rank(prefix: string): number {
  const at = prefix === "" ? -1 : "~&@%+".indexOf(prefix);
  return at === -1 ? 9 : at;
}
