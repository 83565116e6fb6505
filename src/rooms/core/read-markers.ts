// Read markers (IRCv3 draft/read-marker): per account, the time of the last message read in each target (a
// channel or a nick), the same on every node. A marker only moves forward: the later of two times wins
// wherever they arrive in any order. The store keeps them (src/rooms/read-markers-store.ts).
import { fold } from "./casemap.js";

/** One account's marker for one target, as kept and as loaded from the store (names folded). */
export interface ReadMarker {
  account: string;
  target: string;
  /** Milliseconds since the epoch. */
  time: number;
}

/** Where markers are written down: told of every marker that moved on this node. */
export interface ReadMarkerStore {
  load(): Promise<ReadMarker[]>;
  /** A marker moved (`local`: decided on this node). */
  moved(marker: ReadMarker, local: boolean): void;
}

export class ReadMarkers {
  /** By folded account, then folded target: the time. */
  private readonly markers = new Map<string, Map<string, number>>();
  private store: ReadMarkerStore | null = null;

  /** The time `account` last read `target` to, or null when it never said. */
  get(account: string, target: string): number | null {
    return this.markers.get(fold(account))?.get(fold(target)) ?? null;
  }

  /** Move a marker forward; false (and nothing changes) when it is there or further already. */
  set(account: string, target: string, time: number, local: boolean): boolean {
    const key = fold(account);
    let targets = this.markers.get(key);
    if (!targets) {
      targets = new Map();
      this.markers.set(key, targets);
    }
    const folded = fold(target);
    const known = targets.get(folded);
    if (known !== undefined && known >= time) return false;
    targets.set(folded, time);
    this.store?.moved({ account: key, target: folded, time }, local);
    return true;
  }

  /** Take the store's markers (each moves forward only) and tell it of every change from now on. */
  async follow(store: ReadMarkerStore): Promise<void> {
    for (const marker of await store.load()) this.set(marker.account, marker.target, marker.time, false);
    this.store = store;
  }
}
