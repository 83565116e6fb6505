// Time bounds for the tests, derived from a measured baseline instead of guessed.
//
// Measured on the 2-core machine the suite runs on, with the suite and other work running beside it (load
// average 7): a loopback round trip through a rooms server (PING to PONG, 300 samples) took at most 40 ms
// (p99 25 ms) under threaded and 24 ms under evented; a threaded session's first reply, while its worker
// thread boots under tsx, up to 3.8 s; one calc SLOW_EXPRESSION 1.1 to 1.4 s; the `tcpchat` command started
// from source (`node --import tsx src/cli.ts connect --help`) 2.0 to 2.5 s alone, up to 6.4 s beside the
// suite's other file.
//
// Two kinds of bound follow from that. A window that a test's own client must meet (answer a keepalive PING,
// get an answer before `--timeout`) is timed behaviour under test, so it is kept short but far above the
// worst round trip. A bound on a wait only turns a hang into a failure, so it is far above the slowest
// first reply: it costs nothing when the test passes.
//
// TEST_TIME_SCALE (default 1) multiplies every bound and window on a machine busier than that baseline (a
// shared machine running several suites at once); it never makes a bound shorter.

const SCALE = Math.max(1, Number(process.env.TEST_TIME_SCALE) || 1);

/** The worst loopback round trip measured under load. */
export const ROUND_TRIP_MS = 40 * SCALE;

/** A window a test's client must meet in time: 25 worst round trips. */
export const WINDOW_MS = 25 * ROUND_TRIP_MS;

/** The slowest first reply measured: a threaded session whose worker thread boots under tsx. */
export const FIRST_REPLY_MS = 4000 * SCALE;

/** The slowest start of the command as a child process, from source. */
export const CHILD_START_MS = 6500 * SCALE;

/** Bound on one wait for an event (a line, a close, an exit): five of the slowest first replies. */
export const DEFAULT_WAIT_MS = 5 * FIRST_REPLY_MS;

/** Bound on one test that starts the command as a child process or two: ten of its slowest starts. */
export const CLI_TEST_TIMEOUT_MS = 10 * CHILD_START_MS;

/** Bound on a suite of tests that starts worker threads or child processes one after another. */
export const SUITE_TIMEOUT_MS = 300_000 * SCALE;
