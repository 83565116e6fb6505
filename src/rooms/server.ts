// One rooms server: the registry, its hub with a front-end per protocol, the console, and the bus to the
// other nodes, wired together. The service adapter (services/rooms.ts) hands it to the models.
import type { Logger } from "pino";
import { counters } from "../metrics/counters.js";
import type { ConsoleIO } from "../services/operator.js";
import type { Hub, HubEnv } from "../services/service.js";
import { SqlAccountStore } from "../store/accounts.js";
import { SqlChannelStore } from "../store/channels.js";
import { storeKind } from "../store/config.js";
import type { Store } from "../store/index.js";
import { whenOpen } from "../store/pending.js";
import { Accounts } from "./accounts/accounts.js";
import type { AccountStore } from "./accounts/store.js";
import { IpcTransport } from "./bus/ipc.js";
import { MemoryNetwork } from "./bus/memory.js";
import { RedisTransport } from "./bus/redis.js";
import { Replicator } from "./bus/replicator.js";
import type { BusTransport } from "./bus/transport.js";
import type { RoomsConfig } from "./config.js";
import { RoomsConsole } from "./console.js";
import { type Clock, systemClock } from "./core/clock.js";
import { RoomRegistry } from "./core/registry.js";
import { RemoteUser } from "./core/remote.js";
import { RoomHistory } from "./history.js";
import { RoomsHub } from "./hub.js";
import { IrcUser } from "./irc/client.js";
import { IrcFrontend } from "./irc/frontend.js";
import { ReadMarkerKeeper } from "./read-markers-store.js";
import { SeedFrontend } from "./seed/frontend.js";
import { ServerBanKeeper } from "./server-bans-store.js";
import type { ChannelStore } from "./services/channels-store.js";
import { ChanServ } from "./services/chanserv.js";
import { NickServ } from "./services/nickserv.js";
import { SERVICE_NICKS } from "./services/service-user.js";

/** How often the names of accounts are read again (some may be added or dropped by `tcpchat account`). */
const ACCOUNT_NAMES_REFRESH_MS = 60_000;

export interface RoomsEnv {
  log: Logger;
  /** The server console for operator commands; null when there is none. */
  console: ConsoleIO | null;
  /** Time and timers; the system's unless a test drives them. */
  clock?: Clock;
}

/** The rooms' hub for one server: it lives in the main thread whatever the model. */
export function createRoomsHub(config: RoomsConfig, env: RoomsEnv, hubEnv: HubEnv): Hub {
  const clock = env.clock ?? systemClock;
  // Cluster workers share one SQLite file as nodes share PostgreSQL: each writes what it decided.
  const shared = storeKind(config.store) === "postgres" || config.bus === "ipc";
  const history = new RoomHistory(
    {
      days: config.historyDays,
      perRoom: config.historyPerRoom,
      keeps: storeKind(config.store) !== "memory",
      shared,
      serverName: config.serverName,
    },
    clock,
    env.log,
  );
  const registry = new RoomRegistry(config.limits, clock);
  registry.recorder = history;
  const bans = new ServerBanKeeper({ shared, origin: () => registry.origin }, clock, env.log);
  const markers = new ReadMarkerKeeper(shared, clock, env.log);
  let store: Store | null = null;
  // The database drivers load here, in the process that owns the rooms (not in every session's worker).
  const storing = import("../store/index.js")
    .then(({ openStore }) => openStore(config))
    .then(async (opened) => {
      store = opened;
      history.open(opened);
      const kept = { accounts: new SqlAccountStore(opened.db), channels: new SqlChannelStore(opened.db) };
      // Accounts' names and registered channels are known, and the bans kept hold, before anyone connects.
      await accounts.open(kept.accounts);
      await chanserv.open(kept.channels, shared);
      await registry.serverBans.follow(bans.open(opened));
      await registry.readMarkers.follow(markers.open(opened));
      return kept;
    });
  // Until the store is open, a request to NickServ or ChanServ waits for it.
  const accounts = new Accounts(whenOpen<AccountStore>(storing.then((kept) => kept.accounts)), {
    clock,
    isValidName: (name) => registry.isValidNick(name),
    reserved: SERVICE_NICKS,
    announce: (name, registered) => registry.noteRegistration("account", name, registered),
  });
  const nickserv = new NickServ(registry, {
    accounts,
    clock,
    graceMs: config.nickGraceMs,
    addressOf: (user) => user.hostname,
    certificateOf: (user) =>
      user instanceof IrcUser ? (user.client.conn.certFingerprint?.() ?? null) : null,
    onError: (err) => env.log.error({ err }, "NickServ: %s", (err as Error).message),
  });
  const chanserv = new ChanServ(registry, {
    store: whenOpen<ChannelStore>(storing.then((kept) => kept.channels)),
    clock,
    shared,
    onError: (err) => env.log.error({ err }, "ChanServ: %s", (err as Error).message),
  });
  registry.registrations = (kind, name, registered, local) => {
    if (kind === "account") accounts.learn(name, registered);
    else chanserv.heard(name, registered, local);
  };
  const context = {
    registry,
    history,
    accounts,
    nickserv,
    chanserv,
    config,
    log: env.log,
    clock,
    startedAt: clock.now(),
    stopServer: (reason: string) => {
      env.log.warn("stopping: %s", reason);
      hubEnv.stopServer();
    },
  };
  const hub = new RoomsHub(context, {
    seed: (ctx) => new SeedFrontend(ctx),
    irc: (ctx) => new IrcFrontend(ctx),
  });
  const console = config.console && env.console ? new RoomsConsole(context, env.console) : null;
  // Another process may add or drop accounts in a store that outlives this one.
  const refresher =
    storeKind(config.store) === "memory"
      ? null
      : clock.every(ACCOUNT_NAMES_REFRESH_MS, () => {
          if (store)
            accounts
              .refresh()
              .catch((err: unknown) => env.log.warn({ err }, "accounts: cannot read the names"));
        });
  const replicator = config.bus
    ? new Replicator(context.registry, busTransport(config, env.log), env.log, (user, text) =>
        user.frontend.notice?.(user, text),
      )
    : null;
  counters.rooms = () => {
    let remote = 0;
    for (const user of registry.users.values()) if (user instanceof RemoteUser) remote += 1;
    return {
      users: registry.users.size,
      localUsers: registry.users.size - remote,
      rooms: registry.rooms.size,
      busConnected: replicator ? replicator.isConnected : null,
    };
  };
  let closing = false;
  // The store is open before this node joins the bus: what the others say from the first moment is kept.
  const joining = storing.then(() => (closing ? undefined : replicator?.start()));
  return {
    attach: (conn) => hub.attach(conn),
    close: async () => {
      closing = true;
      refresher?.cancel();
      console?.close();
      // Everyone says goodbye (and the other nodes hear of it) before this node leaves the bus.
      hub.close();
      void replicator?.close();
      // What was said until the end is written before the store closes.
      await storing.catch(() => {});
      await history.close();
      await bans.close();
      await markers.close();
      // ChanServ's last writes are done before the store closes.
      await chanserv.flush();
      await (store as Store | null)?.close();
    },
    ready: joining.then(() => {}),
  };
}

function busTransport(config: RoomsConfig, log: Logger): BusTransport {
  const bus = config.bus ?? "";
  if (bus === "ipc") return new IpcTransport();
  if (bus.startsWith("memory:")) return MemoryNetwork.named(bus.slice("memory:".length)).transport();
  if (/^rediss?:\/\//.test(bus))
    return new RedisTransport(bus, config.busPrefix, log.child({ bus: "redis" }));
  throw new Error(`unknown bus ${JSON.stringify(bus)}: use redis://host:port`);
}
