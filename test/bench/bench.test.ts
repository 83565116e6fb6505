// The benchmark harness: its pure parts exactly, and one tiny real fan-out against tcpchat (not a speed
// test: it checks that the harness measures what it says).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { describe, it } from "node:test";
import { Histogram, median } from "../../src/bench/histogram.js";
import {
  type DeliverySink,
  LoadConnection,
  nowMicros,
  stampAtEnd,
  stampText,
} from "../../src/bench/load-client.js";
import { hasNats } from "../../src/bench/peers.js";
import { type CpuProfile, topSelfTime } from "../../src/bench/profile.js";
import { comparisonTable, csv, latencyChart, markdownTable } from "../../src/bench/report.js";
import { broken, connections, type FanoutRow, fanout } from "../../src/bench/scenarios.js";
import { SUITE_TIMEOUT_MS } from "../support/timing.js";

describe("bench: percentiles, line scanner, report, profile", () => {
  it("gives quantiles within a bucket and merges across processes", () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 1; i <= 100; i++) (i % 2 ? a : b).record(i / 10); // 0.1 .. 10 ms
    a.merge(b);
    assert.equal(a.count, 100);
    assert.ok(Math.abs(a.quantile(0.5) - 5) <= 0.0501, String(a.quantile(0.5)));
    assert.ok(Math.abs(a.quantile(0.99) - 9.9) <= 0.0501, String(a.quantile(0.99)));
    assert.equal(a.max, 10);
    const slow = new Histogram();
    slow.record(2500.4);
    assert.equal(slow.quantile(1), 2501);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });

  it("reads the send time at the end of a line, whatever the protocol, and nothing else", () => {
    const line = (text: string) => Buffer.from(text);
    const irc = line(":b1!b1@127.0.0.1 PRIVMSG #bench0 :bench 1795409113493123\r");
    assert.equal(stampAtEnd(irc, 0, irc.length), 1795409113493123);
    const seed = line("MESSAGE: bench 1795409113493123");
    assert.equal(stampAtEnd(seed, 0, seed.length), 1795409113493123);
    for (const other of [
      ":irc 366 b1 #bench0 :End of /NAMES list.\r",
      "MESSAGE: b3 has joined this chatroom.",
      "PRIVMSG #x :12345",
      "1795409113493123",
    ])
      assert.equal(stampAtEnd(line(other), 0, other.length), -1, other);
    // Inside a larger buffer: only [start, end) counts.
    const two = line("x 1795409113493123\ny 1795409113493124\n");
    assert.equal(stampAtEnd(two, 19, 37), 1795409113493124);
  });

  it("writes markdown, CSV, comparisons and an SVG chart", () => {
    const rows = [
      { peer: "tcpchat", delivered: 1234567, p99: 1.5 },
      { peer: "ngircd, 26", delivered: 1000, p99: 12.25 },
    ];
    assert.equal(
      markdownTable(rows),
      "| peer | delivered | p99 |\n|---|---|---|\n| tcpchat | 1,234,567 | 1.50 |\n| ngircd, 26 | 1,000 | 12.3 |\n",
    );
    assert.equal(csv(rows), 'peer,delivered,p99\ntcpchat,1234567,1.5\n"ngircd, 26",1000,12.25\n');
    assert.equal(csv([{ a: 1 }, { b: 2 }]), "a,b\n1,\n,2\n");
    assert.deepEqual(
      comparisonTable(
        [{ metric: "peak", better: "higher", values: { tcpchat: 1500, ngircd: 1000, inspircd: undefined } }],
        ["tcpchat", "ngircd", "inspircd"],
      ),
      [
        {
          metric: "peak",
          better: "higher",
          tcpchat: 1500,
          ngircd: 1000,
          inspircd: "",
          "tcpchat ÷ ngircd": 1.5,
          "tcpchat ÷ inspircd": "",
        },
      ],
    );
    const svg = latencyChart("t <1>", [
      {
        name: "tcpchat",
        points: [
          [100, 1],
          [200, 3],
        ],
      },
    ]);
    assert.match(svg, /^<svg [^>]*>/);
    assert.match(svg, /<polyline [^>]*points="[\d., ]+"/);
    assert.match(svg, /t &lt;1&gt;/);
  });

  it("sums a CPU profile's self time per function, idle left out", () => {
    const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 9 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)") },
        { id: 2, callFrame: frame("(idle)") },
        { id: 3, callFrame: frame("deliver", "file:///x/dist/services/rooms/irc/deliver.js") },
        { id: 4, callFrame: frame("writev") },
      ],
      samples: [2, 3, 3, 4, 3],
      timeDeltas: [5000, 1000, 1000, 1000, 1000],
    };
    assert.deepEqual(topSelfTime(profile, 2), [
      { function: "deliver", where: "dist/services/rooms/irc/deliver.js:10", selfMs: 3, selfPct: 75 },
      { function: "writev", where: "", selfMs: 1, selfPct: 25 },
    ]);
  });

  it("counts a run as broken on latency, loss or a short delivery", () => {
    const row = { p99: 10, lostPct: 0, extra: 0, dropped: 0, offered: 1000, delivered: 1000 } as FanoutRow;
    assert.equal(broken(row), false);
    assert.equal(broken({ ...row, p99: 150 }), true);
    assert.equal(broken({ ...row, extra: 1 }), true);
    assert.equal(broken({ ...row, lostPct: 1 }), true);
    assert.equal(broken({ ...row, delivered: 800 }), true);
  });
});

describe("bench: the send time and the receive path", () => {
  it("stamps on the machine's monotonic clock, which another process reads alike", () => {
    const before = nowMicros();
    const child = spawnSync(
      process.execPath,
      ["-e", "const [s, n] = process.hrtime(); process.stdout.write(String(Math.round(s * 1e6 + n / 1e3)))"],
      { encoding: "utf8" },
    );
    const after = nowMicros();
    const theirs = Number(child.stdout);
    assert.ok(theirs >= before - 1000 && theirs <= after + 1000, `${before} ≤ ${theirs} ≤ ${after}`);
    assert.equal(stampText(42).length, 16);
    const line = Buffer.from(`PRIVMSG #x :bench ${stampText(before)}\r`);
    assert.equal(stampAtEnd(line, 0, line.length), before);
  });

  it("reads every stamp whatever the cut: single bytes, many lines in one write, PING between", async () => {
    const server: Server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const accepted = once(server, "connection") as Promise<[Socket]>;
    const conn = await LoadConnection.open(port, 5000);
    const [peer] = await accepted;
    const got: number[] = [];
    let pongs = "";
    peer.on("data", (d: Buffer) => {
      pongs += d.toString();
    });
    const all = new Promise<void>((resolve) => {
      const sink: DeliverySink = {
        delivered(stamp, now, from) {
          assert.equal(from, conn);
          assert.ok(now >= stamp);
          got.push(stamp);
          if (got.length === 5) resolve();
        },
      };
      conn.sink = sink;
    });
    const t = nowMicros() - 10;
    const first = `:a!a@h PRIVMSG #r :bench ${stampText(t)}\r\n`;
    try {
      for (const byte of Buffer.from(first)) {
        peer.write(Buffer.of(byte));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      peer.write(
        `:a PRIVMSG #r :bench ${stampText(t + 1)}\r\nPING :x\r\n:irc 366 a #r :End\r\n:a PRIVMSG #r :bench ${stampText(t + 2)}\r\n` +
          `MSG r 1 22\r\nbench ${stampText(t + 3)}\r\n:a PRIVMSG #r :bench ${stampText(t + 4)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      peer.write("\r\n");
      await all;
      assert.deepEqual(got, [t, t + 1, t + 2, t + 3, t + 4]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(pongs, "PONG :x\r\n");
    } finally {
      conn.destroy();
      peer.destroy();
      server.close();
    }
  });
});

describe("bench: a tiny real fan-out", { timeout: SUITE_TIMEOUT_MS }, () => {
  const options = {
    clients: 20,
    rooms: 2,
    senders: 2,
    durationMs: 1000,
    generators: 2,
    protocol: "irc",
    quietWaitMs: 0,
  } as const;

  it("measures tcpchat, paced and closed loop, with nothing lost and the generator's cost", async () => {
    const rows = await fanout("tcpchat", options, [2000, "closed"]);
    assert.equal(rows.length, 2);
    const [open, closed] = rows as [FanoutRow, FanoutRow];
    for (const row of rows) {
      assert.equal(row.lost, 0, JSON.stringify(row));
      assert.equal(row.extra, 0, JSON.stringify(row));
      assert.equal(row.dropped, 0);
      assert.ok(row.p99 > 0 && row.rssIdleMb > 0, JSON.stringify(row));
      assert.ok(row.generatorUsPerDelivery > 0 && row.serverUsPerDelivery > 0, JSON.stringify(row));
    }
    // 2,000 deliveries/s offered to rooms of 10 (9 receivers a message), evenly paced, for 1 s.
    assert.equal(open.loop, "open");
    assert.ok(open.delivered > 1000, JSON.stringify(open));
    assert.ok(open.sendLagP99 >= 0);
    // The closed loop keeps messages in flight until told to stop: it delivers far more than the paced run.
    assert.equal(closed.loop, "closed");
    assert.ok(closed.delivered > open.delivered, JSON.stringify(closed));
  });

  it("measures tcpchat over TLS and over WebSocket the same way (--transport)", async () => {
    for (const peer of ["tcpchat-tls", "tcpchat-ws"] as const) {
      const rows = await fanout(peer, options, [2000, "closed"]);
      assert.equal(rows.length, 2);
      for (const row of rows) {
        assert.equal(row.peer, peer);
        assert.equal(row.lost, 0, `${peer} ${JSON.stringify(row)}`);
        assert.equal(row.extra, 0, `${peer} ${JSON.stringify(row)}`);
        assert.equal(row.dropped, 0, `${peer} ${JSON.stringify(row)}`);
        assert.ok(row.delivered > 1000, `${peer} ${JSON.stringify(row)}`);
      }
    }
  });

  it("drives the fan-out floor and nats-server, the yardsticks, the same way", async (t) => {
    for (const peer of ["floor", "nats"] as const) {
      if (peer === "nats" && !hasNats()) {
        t.diagnostic("nats-server is not installed: skipped");
        continue;
      }
      const rows = await fanout(peer, options, [2000, "closed"]);
      for (const row of rows) {
        assert.equal(row.lost, 0, `${peer} ${JSON.stringify(row)}`);
        assert.equal(row.extra, 0, `${peer} ${JSON.stringify(row)}`);
        assert.ok(row.delivered > 1000, `${peer} ${JSON.stringify(row)}`);
      }
    }
  });

  it("times each client's registration and reads memory per connection after a burst", async () => {
    const row = await connections("tcpchat", 50, 2, { idleMs: 2500, quietWaitMs: 0 });
    assert.equal(row.failed, 0);
    assert.ok(row.registerP50 > 0 && row.registerP99 >= row.registerP50, JSON.stringify(row));
    assert.ok(row.registerMs >= row.registerP50, JSON.stringify(row));
  });
});
