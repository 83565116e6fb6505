// IRCv3 capabilities this server offers, as bits: the fan-out picks a line variant by masking them.

export const Cap = {
  ServerTime: 1,
  MessageTags: 2,
  EchoMessage: 4,
  AwayNotify: 8,
  MultiPrefix: 16,
  UserhostInNames: 32,
  Batch: 64,
  LabeledResponse: 128,
} as const;

/** The capabilities offered in CAP LS, by name, in the order listed. */
export const CAPABILITIES: ReadonlyMap<string, number> = new Map([
  ["away-notify", Cap.AwayNotify],
  ["batch", Cap.Batch],
  ["echo-message", Cap.EchoMessage],
  ["labeled-response", Cap.LabeledResponse],
  ["message-tags", Cap.MessageTags],
  ["multi-prefix", Cap.MultiPrefix],
  ["server-time", Cap.ServerTime],
  ["userhost-in-names", Cap.UserhostInNames],
]);

/** Names of the capabilities in `caps`, space-separated. */
export function capNames(caps: number): string {
  const names: string[] = [];
  for (const [name, bit] of CAPABILITIES) if (caps & bit) names.push(name);
  return names.join(" ");
}
