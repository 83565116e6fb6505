// IRCv3 capabilities this server offers, as bits: the fan-out picks a line variant by masking them.
import {
  METADATA_MAX_KEYS,
  METADATA_MAX_SUBS,
  METADATA_MAX_VALUE_BYTES,
  MULTILINE_MAX_BYTES,
  MULTILINE_MAX_LINES,
} from "./limits.js";

export const Cap = {
  ServerTime: 1,
  MessageTags: 2,
  EchoMessage: 4,
  AwayNotify: 8,
  MultiPrefix: 16,
  UserhostInNames: 32,
  Batch: 64,
  LabeledResponse: 128,
  Setname: 256,
  Chghost: 512,
  InviteNotify: 1024,
  CapNotify: 2048,
  ExtendedMonitor: 4096,
  StandardReplies: 8192,
  Chathistory: 16384,
  Sasl: 32768,
  AccountNotify: 65536,
  AccountTag: 131072,
  ExtendedJoin: 262144,
  AccountRegistration: 524288,
  Multiline: 1048576,
  Redaction: 2097152,
  ChannelRename: 4194304,
  ReadMarker: 8388608,
  Metadata: 16777216,
} as const;

/** The capabilities offered in CAP LS, by name, in the order listed. */
export const CAPABILITIES: ReadonlyMap<string, number> = new Map([
  ["account-notify", Cap.AccountNotify],
  ["account-tag", Cap.AccountTag],
  ["away-notify", Cap.AwayNotify],
  ["batch", Cap.Batch],
  ["cap-notify", Cap.CapNotify],
  ["chghost", Cap.Chghost],
  ["draft/account-registration", Cap.AccountRegistration],
  ["draft/channel-rename", Cap.ChannelRename],
  ["draft/chathistory", Cap.Chathistory],
  ["draft/message-redaction", Cap.Redaction],
  ["draft/metadata-2", Cap.Metadata],
  ["draft/multiline", Cap.Multiline],
  ["draft/read-marker", Cap.ReadMarker],
  ["echo-message", Cap.EchoMessage],
  ["extended-join", Cap.ExtendedJoin],
  ["extended-monitor", Cap.ExtendedMonitor],
  ["invite-notify", Cap.InviteNotify],
  ["labeled-response", Cap.LabeledResponse],
  ["message-tags", Cap.MessageTags],
  ["multi-prefix", Cap.MultiPrefix],
  ["sasl", Cap.Sasl],
  ["server-time", Cap.ServerTime],
  ["setname", Cap.Setname],
  ["standard-replies", Cap.StandardReplies],
  ["userhost-in-names", Cap.UserhostInNames],
]);

/** Names of the capabilities in `caps`, space-separated. */
export function capNames(caps: number): string {
  const names: string[] = [];
  for (const [name, bit] of CAPABILITIES) if (caps & bit) names.push(name);
  return names.join(" ");
}

/** Values of capabilities, told in CAP LS 302 and later (`name=value`). */
export const CAP_VALUES: ReadonlyMap<string, string> = new Map([
  // REGISTER works before connection registration; the account is the nick.
  ["draft/account-registration", "before-connect"],
  [
    "draft/metadata-2",
    `before-connect,max-subs=${METADATA_MAX_SUBS},max-keys=${METADATA_MAX_KEYS},max-value-bytes=${METADATA_MAX_VALUE_BYTES}`,
  ],
  ["draft/multiline", `max-bytes=${MULTILINE_MAX_BYTES},max-lines=${MULTILINE_MAX_LINES}`],
  ["sasl", "PLAIN,SCRAM-SHA-256,EXTERNAL"],
]);

/**
 * CAP LS's list: with values for version 302 and later. With a connection password, REGISTER waits for
 * the connection (so that it cannot be used without the password): no `before-connect` then.
 */
export function capList(version: number, beforeConnect: boolean): string {
  const names: string[] = [];
  for (const name of CAPABILITIES.keys()) {
    let value = version >= 302 ? CAP_VALUES.get(name) : undefined;
    if (value === "before-connect" && !beforeConnect) value = undefined;
    names.push(value === undefined ? name : `${name}=${value}`);
  }
  return names.join(" ");
}
