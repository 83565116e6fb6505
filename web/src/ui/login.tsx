// The login form: a nickname, a password when the server takes SASL, and the first room.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ChatSession } from "../session.js";

export function Login({ session }: { session: ChatSession }) {
  const [nick, setNick] = useState(() => localStorage.getItem("tcpchat.nick") ?? "");
  const [password, setPassword] = useState("");
  const [room, setRoom] = useState(() => decodeURIComponent(location.hash.slice(1)) || "#lobby");
  const nickField = useRef<HTMLInputElement>(null);
  useEffect(() => nickField.current?.focus(), []);
  const busy = session.phase === "connecting";
  const sasl = session.offered.has("sasl");
  const submit = (event: Event) => {
    event.preventDefault();
    if (nick.trim() === "" || busy) return;
    localStorage.setItem("tcpchat.nick", nick.trim());
    session.login(nick, password, room);
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-describedby="login-error">
        <h1>tcpchat</h1>
        <label for="nick">Nickname</label>
        <input
          id="nick"
          value={nick}
          onInput={(e) => setNick(e.currentTarget.value)}
          autocomplete="nickname"
          autocapitalize="off"
          spellcheck={false}
          required
          maxLength={64}
          ref={nickField}
        />
        {sasl && (
          <>
            <label for="password">
              Password <span class="optional">(optional, for a registered nickname)</span>
            </label>
            <input
              id="password"
              type="password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              autocomplete="current-password"
            />
          </>
        )}
        <label for="room">Room</label>
        <input
          id="room"
          value={room}
          onInput={(e) => setRoom(e.currentTarget.value)}
          autocapitalize="off"
          spellcheck={false}
        />
        <button type="submit" disabled={busy}>
          {busy ? "Connecting…" : "Chat"}
        </button>
        <p id="login-error" class="error" role="alert">
          {session.loginError}
        </p>
      </form>
    </main>
  );
}
