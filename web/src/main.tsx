// The chat page's entry: one session over a WebSocket to the server that served the page.
import { render } from "preact";
import { ChatSession, SUBPROTOCOL } from "./session.js";
import { App } from "./ui/app.js";

const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
const session = new ChatSession((where) => new WebSocket(where, [SUBPROTOCOL]), url);
session.probe();
render(<App session={session} />, document.getElementById("app") as HTMLElement);
