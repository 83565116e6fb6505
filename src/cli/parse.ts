// Argument parsers for commander: each turns text into a value or a clear usage error.
import { InvalidArgumentError } from "commander";

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new InvalidArgumentError("expected a port number, 0 to 65535");
  return port;
}

/** A port to connect to: 1 to 65535. */
export function parseServerPort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new InvalidArgumentError("expected a port number, 1 to 65535");
  }
  return port;
}

export function parseCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError("expected a whole number, 1 or more");
  }
  return n;
}

/** A whole number, 0 or more (0 often meaning none or no limit). */
export function parseWhole(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError("expected a whole number, 0 or more");
  }
  return n;
}

/** Seconds, possibly fractional; 0 means off. */
export function parseSeconds(text: string): number {
  const s = Number(text);
  if (text.trim() === "" || !Number.isFinite(s) || s < 0) {
    throw new InvalidArgumentError("expected a number of seconds, 0 or more");
  }
  return s;
}

/** Whole milliseconds; 0 means off. */
export function parseMilliseconds(text: string): number {
  const ms = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(ms)) {
    throw new InvalidArgumentError("expected a whole number of milliseconds, 0 or more");
  }
  return ms;
}
