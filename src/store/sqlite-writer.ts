// The history's writes to a SQLite file off the rooms' thread: batches are posted to a worker thread that
// has its own connection and writes each in one transaction (sqlite-writer-worker.ts); `append` settles when
// the batch is committed, so the write queue's durability window and its retries hold as before. The
// rooms' thread keeps only the cost of posting the rows.
import { Worker } from "node:worker_threads";
import type { StoredMessage } from "./history.js";
import type { WriterReply, WriterRequest } from "./sqlite-writer-worker.js";

const WORKER_URL = new URL(
  `./sqlite-writer-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

export class SqliteWriter {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();

  constructor(private readonly file: string) {}

  /** Write `rows` in one transaction on the writer thread; settles once committed (or failed). */
  append(rows: readonly StoredMessage[]): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise<void>((resolve, reject) => {
      // Held open while a batch is on its way: an exit waits for the commit.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, rows } satisfies WriterRequest);
    });
  }

  /** Stop the thread once what was posted is written. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await worker.terminate();
  }

  private start(): Worker {
    const worker = WORKER_URL.pathname.endsWith(".ts")
      ? // From source under tsx: a worker does not inherit tsx's loader, so it registers it first.
        new Worker(
          `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`,
          { eval: true, workerData: { file: this.file } },
        )
      : new Worker(WORKER_URL, { workerData: { file: this.file } });
    worker.on("message", (reply: WriterReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      // Idle, it keeps the process alive no longer.
      if (this.waiting.size === 0) worker.unref();
      if (reply.error === undefined) waiter.resolve();
      else waiter.reject(new Error(reply.error));
    });
    // A thread that dies fails what it held (the write queue retries it) and is started again on the next.
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(err);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the SQLite writer thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
