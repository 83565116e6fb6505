// Logs go to stderr, so that stdout carries only what a script reads (`listening on ...`, console chat).
// Readable lines on a terminal, one JSON object per line otherwise (`--log-format` overrides).
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ["auto", "pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogOptions {
  level: LogLevel;
  format: LogFormat;
}

export const DEFAULT_LOG_OPTIONS: LogOptions = { level: "info", format: "auto" };

export function createLogger(options: LogOptions = DEFAULT_LOG_OPTIONS): Logger {
  const usePretty = options.format === "pretty" || (options.format === "auto" && process.stderr.isTTY);
  if (!usePretty)
    return pino({ level: options.level, base: null }, pino.destination({ dest: 2, sync: true }));
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY,
    ignore: "pid,hostname",
    translateTime: "HH:MM:ss.l",
  });
  return pino({ level: options.level, base: null }, stream);
}
