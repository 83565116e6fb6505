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
  Setname: 256,
  Chghost: 512,
  InviteNotify: 1024,
  CapNotify: 2048,
  ExtendedMonitor: 4096,
  StandardReplies: 8192,
  Chathistory: 16384,
} as const;

/** The capabilities offered in CAP LS, by name, in the order listed. */
export const CAPABILITIES: ReadonlyMap<string, number> = new Map([
  ["away-notify", Cap.AwayNotify],
  ["batch", Cap.Batch],
  ["cap-notify", Cap.CapNotify],
  ["chghost", Cap.Chghost],
  ["draft/chathistory", Cap.Chathistory],
  ["echo-message", Cap.EchoMessage],
  ["extended-monitor", Cap.ExtendedMonitor],
  ["invite-notify", Cap.InviteNotify],
  ["labeled-response", Cap.LabeledResponse],
  ["message-tags", Cap.MessageTags],
  ["multi-prefix", Cap.MultiPrefix],
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
