// Registered channels in the store: one row per folded name with its founder, topic and modes, and its mask
// lists (+b, +e, +I) as rows in order. A save replaces the channel whole, in one transaction.
import type { Insertable, Kysely, Selectable, Transaction } from "kysely";
import type { Ban } from "../rooms/core/room.js";
import type { ChannelStore, RegisteredChannel } from "../rooms/services/channels-store.js";
import type { ChannelMasksTable, ChannelsTable, Database } from "./schema.js";

/** The mask lists as the `list` column names them. */
const LISTS = { b: "bans", e: "exceptions", I: "inviteExceptions" } as const;
type ListLetter = keyof typeof LISTS;

export class SqlChannelStore implements ChannelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<RegisteredChannel[]> {
    const rows = await this.db.selectFrom("channels").selectAll().orderBy("key").execute();
    const masks = await this.db
      .selectFrom("channel_masks")
      .selectAll()
      .orderBy("channel")
      .orderBy("list")
      .orderBy("position")
      .execute();
    return assemble(rows, masks);
  }

  async find(key: string): Promise<RegisteredChannel | null> {
    const rows = await this.db.selectFrom("channels").selectAll().where("key", "=", key).execute();
    if (rows.length === 0) return null;
    const masks = await this.db
      .selectFrom("channel_masks")
      .selectAll()
      .where("channel", "=", key)
      .orderBy("list")
      .orderBy("position")
      .execute();
    return assemble(rows, masks)[0] ?? null;
  }

  async save(key: string, channel: RegisteredChannel): Promise<void> {
    const row = toRow(key, channel);
    const { key: _, ...changes } = row;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("channels")
        .values(row)
        .onConflict((oc) => oc.column("key").doUpdateSet(changes))
        .execute();
      await trx.deleteFrom("channel_masks").where("channel", "=", key).execute();
      const masks = maskRows(key, channel);
      if (masks.length > 0) await trx.insertInto("channel_masks").values(masks).execute();
    });
  }

  async drop(key: string): Promise<void> {
    await this.db.transaction().execute((trx) => deleteChannel(trx, key));
  }
}

async function deleteChannel(trx: Transaction<Database>, key: string): Promise<void> {
  await trx.deleteFrom("channel_masks").where("channel", "=", key).execute();
  await trx.deleteFrom("channels").where("key", "=", key).execute();
}

function toRow(key: string, channel: RegisteredChannel): Insertable<ChannelsTable> {
  const { topic, modes } = channel;
  return {
    key,
    name: channel.name,
    founder: channel.founder,
    registered_at: channel.registeredAt,
    topic: topic?.text ?? null,
    topic_set_by: topic?.setBy ?? null,
    topic_set_at: topic?.setAt ?? null,
    invite_only: modes.inviteOnly ? 1 : 0,
    moderated: modes.moderated ? 1 : 0,
    no_external: modes.noExternal ? 1 : 0,
    secret: modes.secret ? 1 : 0,
    topic_locked: modes.topicLocked ? 1 : 0,
    join_key: modes.key,
    member_limit: modes.limit,
  };
}

function maskRows(key: string, channel: RegisteredChannel): Array<Insertable<ChannelMasksTable>> {
  const rows: Array<Insertable<ChannelMasksTable>> = [];
  for (const [list, field] of Object.entries(LISTS) as Array<[ListLetter, (typeof LISTS)[ListLetter]]>)
    channel[field].forEach((entry, position) => {
      rows.push({ channel: key, list, position, mask: entry.mask, set_by: entry.setBy, set_at: entry.setAt });
    });
  return rows;
}

function assemble(
  rows: Array<Selectable<ChannelsTable>>,
  masks: Array<Selectable<ChannelMasksTable>>,
): RegisteredChannel[] {
  const channels = new Map<string, RegisteredChannel>();
  for (const row of rows)
    channels.set(row.key, {
      name: row.name,
      founder: row.founder,
      registeredAt: Number(row.registered_at),
      topic:
        row.topic === null
          ? null
          : { text: row.topic, setBy: row.topic_set_by ?? "", setAt: Number(row.topic_set_at ?? 0) },
      modes: {
        inviteOnly: Number(row.invite_only) !== 0,
        moderated: Number(row.moderated) !== 0,
        noExternal: Number(row.no_external) !== 0,
        secret: Number(row.secret) !== 0,
        topicLocked: Number(row.topic_locked) !== 0,
        key: row.join_key,
        limit: row.member_limit === null ? null : Number(row.member_limit),
      },
      bans: [],
      exceptions: [],
      inviteExceptions: [],
    });
  for (const mask of masks) {
    const channel = channels.get(mask.channel);
    const field = LISTS[mask.list as ListLetter];
    if (!channel || !field) continue;
    const entry: Ban = { mask: mask.mask, setBy: mask.set_by, setAt: Number(mask.set_at) };
    channel[field].push(entry);
  }
  return [...channels.values()];
}
