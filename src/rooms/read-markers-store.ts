// Read markers kept in the store: the registry's markers load before the server listens, and every marker
// that moves is written through a write queue (in the store within the durability window, retried while the
// store is down). A node writes the markers it decided; with a store of its own (SQLite that no other node
// writes) it writes the others' too.
import type { Logger } from "pino";
import type { Store } from "../store/index.js";
import { type ReadMarkerRow, ReadMarkerRows } from "../store/read-markers.js";
import { WriteQueue } from "../store/write-queue.js";
import type { Clock } from "./core/clock.js";
import type { ReadMarker, ReadMarkerStore } from "./core/read-markers.js";
import { DURABILITY_WINDOW_MS } from "./history.js";

export class ReadMarkerKeeper implements ReadMarkerStore {
  private readonly queue: WriteQueue<ReadMarkerRow>;
  private rows: ReadMarkerRows | null = null;

  constructor(
    /** Other nodes write this store too: write only the markers decided here. */
    private readonly shared: boolean,
    clock: Clock,
    log: Logger,
  ) {
    this.queue = new WriteQueue<ReadMarkerRow>(
      (rows) => this.write(rows),
      clock,
      {
        failed: (err) => log.error({ err }, "read markers: cannot write to the store; retrying"),
        recovered: () => log.info("read markers: writing to the store again"),
        dropped: (count) => log.warn("read markers: the store is unreachable: dropped %d markers", count),
      },
      { maxDelayMs: DURABILITY_WINDOW_MS, maxRows: 500, maxPending: 100_000 },
    );
  }

  /** The store is open: markers can be loaded and written. */
  open(store: Store): this {
    this.rows = new ReadMarkerRows(store.db);
    return this;
  }

  async load(): Promise<ReadMarker[]> {
    if (!this.rows) throw new Error("the store is not open");
    return this.rows.load();
  }

  moved(marker: ReadMarker, local: boolean): void {
    if (this.shared && !local) return;
    this.queue.push({ ...marker });
  }

  /** Write what waits (tests). */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async write(markers: ReadMarkerRow[]): Promise<void> {
    if (!this.rows) throw new Error("the store is not open");
    await this.rows.write(markers);
  }
}
