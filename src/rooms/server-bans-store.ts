// Server bans kept in the store: the registry's ban list loads them before the server listens and tells this
// of every change it applies; each is written through a write queue (in the store within the durability
// window, retried while the store is down). A node writes the changes it decided; with a store of its own
// (SQLite that no other node writes) it writes the others' too. Ended bans and old lifts are deleted by any
// node: an end was decided when the ban was set.
import type { Logger } from "pino";
import type { Store } from "../store/index.js";
import { type BanChange, ServerBanRows } from "../store/server-bans.js";
import { WriteQueue } from "../store/write-queue.js";
import { fold } from "./core/casemap.js";
import type { Clock, Timer } from "./core/clock.js";
import { compareStamps, type Stamp } from "./core/operations.js";
import type { LiftedBan, ServerBanKind, ServerBanStore, StampedBan } from "./core/server-bans.js";
import { DURABILITY_WINDOW_MS } from "./history.js";

/** How often ended bans are deleted from the store. */
const SWEEP_MS = 60_000;
/** A lift is kept this long (an older change to its mask may still be on its way from another node). */
const LIFT_KEPT_MS = 86_400_000;

export interface ServerBanKeeperOptions {
  /** Other nodes write this store too: write only the changes decided here. */
  shared: boolean;
  /** This node's origin as its stamps name it (it changes once the node joins a bus). */
  origin: () => string;
}

export class ServerBanKeeper implements ServerBanStore {
  private readonly queue: WriteQueue<BanChange>;
  private rows: ServerBanRows | null = null;
  private sweeper: Timer | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly options: ServerBanKeeperOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.queue = new WriteQueue<BanChange>(
      (changes) => this.write(changes),
      clock,
      {
        failed: (err) => log.error({ err }, "server bans: cannot write to the store; retrying"),
        recovered: () => log.info("server bans: writing to the store again"),
        dropped: (count) => log.warn("server bans: the store is unreachable: dropped %d changes", count),
      },
      { maxDelayMs: DURABILITY_WINDOW_MS, maxRows: 100, maxPending: 10_000 },
    );
  }

  /** The store is open: bans can be loaded and written. */
  open(store: Store): this {
    this.rows = new ServerBanRows(store.db, compareStamps);
    this.sweeper = this.clock.every(SWEEP_MS, () => void this.sweep());
    return this;
  }

  async load(): Promise<Array<StampedBan | LiftedBan>> {
    if (!this.rows) throw new Error("the store is not open");
    await this.sweep();
    const now = this.clock.now();
    const out: Array<StampedBan | LiftedBan> = [];
    for (const row of await this.rows.load()) {
      const kind = row.kind === "dline" ? "dline" : row.kind === "kline" ? "kline" : null;
      if (kind === null) continue;
      if (row.lifted) out.push({ kind, mask: row.mask, lifted: row.stamp });
      else if (row.expiresAt === null || row.expiresAt > now)
        out.push({
          kind,
          mask: row.mask,
          reason: row.reason,
          setBy: row.setBy,
          setAt: row.setAt,
          expiresAt: row.expiresAt,
          stamp: row.stamp,
        });
    }
    return out;
  }

  saved(ban: StampedBan): void {
    if (!this.decidedHere(ban.stamp)) return;
    this.queue.push({
      lifted: false,
      kind: ban.kind,
      key: fold(ban.mask),
      mask: ban.mask,
      reason: ban.reason,
      setBy: ban.setBy,
      setAt: ban.setAt,
      expiresAt: ban.expiresAt,
      stamp: { ...ban.stamp },
    });
  }

  removed(kind: ServerBanKind, mask: string, stamp: Stamp): void {
    if (!this.decidedHere(stamp)) return;
    this.queue.push({ lifted: true, kind, key: fold(mask), mask, stamp: { ...stamp } });
  }

  /** Write what waits (tests). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  async close(): Promise<void> {
    this.sweeper?.cancel();
    await this.sweeping;
    await this.queue.close();
  }

  private decidedHere(stamp: Stamp): boolean {
    return !this.options.shared || stamp.origin === this.options.origin();
  }

  private async write(changes: BanChange[]): Promise<void> {
    if (!this.rows) throw new Error("the store is not open");
    await this.rows.write(changes);
  }

  private sweep(): Promise<void> {
    if (this.sweeping || !this.rows) return this.sweeping ?? Promise.resolve();
    const now = this.clock.now();
    this.sweeping = this.rows
      .expire(now, now - LIFT_KEPT_MS)
      .then((deleted) => {
        if (deleted > 0) this.log.info("server bans: %d ended or old lifts deleted from the store", deleted);
      })
      .catch((err) => this.log.warn({ err }, "server bans: deleting ended bans failed"))
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }
}
