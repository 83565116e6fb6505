// The benchmark harness: its pure parts exactly, and one tiny real run against tcpchat (not a speed test:
// it checks that the harness measures what it says).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Histogram, median } from "../../src/bench/histogram.js";
import { csv, latencyChart, markdownTable } from "../../src/bench/report.js";
import { fanout, reqrep } from "../../src/bench/scenarios.js";

describe("bench: histogram and report", () => {
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

  it("writes markdown, CSV and an SVG chart", () => {
    const rows = [
      { peer: "tcpchat", delivered: 1234567, p99: 1.5 },
      { peer: "ngircd, 26", delivered: 1000, p99: 12.25 },
    ];
    assert.equal(
      markdownTable(rows),
      "| peer | delivered | p99 |\n|---|---|---|\n| tcpchat | 1,234,567 | 1.50 |\n| ngircd, 26 | 1,000 | 12.3 |\n",
    );
    assert.equal(csv(rows), 'peer,delivered,p99\ntcpchat,1234567,1.5\n"ngircd, 26",1000,12.25\n');
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
});

describe("bench: a tiny real run", { timeout: 60_000 }, () => {
  it("measures fan-out and request/response against tcpchat with nothing lost", async () => {
    const row = await fanout("tcpchat", {
      clients: 20,
      rooms: 2,
      senders: 2,
      rate: 2000,
      durationMs: 500,
      generators: 2,
      protocol: "irc",
    });
    assert.equal(row.lost, 0);
    assert.ok(row.delivered > 0 && row.p99 > 0 && row.rssIdleMb > 0, JSON.stringify(row));
    const seed = await fanout("tcpchat", {
      clients: 10,
      rooms: 1,
      senders: 1,
      rate: 500,
      durationMs: 500,
      generators: 1,
      protocol: "seed",
    });
    assert.equal(seed.lost, 0);
    const echo = await reqrep({ peer: "tcpchat", options: { service: "echo", model: "evented" } }, 4, 500, 1);
    assert.ok(echo.repliesPerSecond > 0, JSON.stringify(echo));
  });
});
