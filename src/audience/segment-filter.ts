import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';

/**
 * A segment's filter (docs/marketing.md, "Segments"): conditions over customers, all of which must
 * hold. Turned into one SQL condition on `customers cu` joined to `channel_accounts a`; each part
 * is answered by an index (customer_tags by tag, customers by account and by last contact), so a
 * count over a million customers stays a matter of index scans (`npm run bench`, segments).
 */
const ids = z.array(z.number().int().positive()).min(1).max(100);
const when = z.iso.datetime({ offset: true });
const range = <T extends z.ZodString | z.ZodNumber | z.ZodISODateTime>(value: T) =>
  z
    .object({ from: value.optional(), to: value.optional() })
    .refine((r) => r.from !== undefined || r.to !== undefined, 'give from, to or both');
const count = z.number().int().min(0).max(1_000_000);

export const segmentFilter = z
  .object({
    /** Tag ids: the customer has at least one of `any`, every one of `all`, none of `none`. */
    tags: z.object({ any: ids.optional(), all: ids.optional(), none: ids.optional() }).optional(),
    channels: z
      .array(z.enum(['wecom', 'wechat-mp', 'wecom-kf', 'web']))
      .min(1)
      .optional(),
    /** Channel account ids. */
    accounts: ids.optional(),
    firstContact: range(when).optional(),
    lastContact: range(when).optional(),
    /** How many messages the customer wrote, over every conversation. */
    messages: range(count).optional(),
    /** How many times the bot handed them to a person. */
    handoffs: range(count).optional(),
    /** The customer's profile attributes (what the platform told, and what marketers attach). */
    attributes: z
      .array(
        z.object({
          key: z.string().trim().min(1).max(64),
          op: z.enum(['equals', 'not_equals', 'contains', 'exists', 'missing']),
          value: z.string().max(200).optional(),
        }),
      )
      .max(20)
      .optional(),
    /** Whether their channel lets us write to them now (see REACH below). */
    reachableNow: z.boolean().optional(),
  })
  .strict();

export type SegmentFilter = z.infer<typeof segmentFilter>;

/**
 * When a platform lets us write first, as the platforms document it:
 * - WeCom app (企业微信自建应用): members can always be sent to (message/send,
 *   https://developer.work.weixin.qq.com/document/path/90236).
 * - Official Account custom/send: within 48 hours of the user's last message
 *   (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html).
 * - 微信客服 kf/send_msg: within 48 hours of the customer's last message, at most 5 messages
 *   (https://developer.work.weixin.qq.com/document/path/94677).
 * - Web widget: a visitor seen in the last 30 minutes (an open page keeps its stream and is seen).
 * `last_seen_at` is the customer's last inbound of any kind; a platform event (a follow, a menu
 * click) moves it too, though it opens no window: the broadcast checks each recipient's real
 * window before it sends.
 */
const REACH = sql`(
  a.channel = 'wecom'
  or (a.channel = 'wechat-mp' and cu.last_seen_at > now() - interval '48 hours')
  or (a.channel = 'wecom-kf' and cu.last_seen_at > now() - interval '48 hours' and (
        select count(*) from messages m join conversations c on c.id = m.conversation_id
        where c.customer_id = cu.id and m.direction = 'out' and m.created_at > cu.last_seen_at) < 5)
  or (a.channel = 'web' and cu.last_seen_at > now() - interval '30 minutes'))`;

const list = (values: readonly (string | number)[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

function between(column: SQL, r: { from?: string | number | undefined; to?: string | number | undefined }): SQL[] {
  return [...(r.from !== undefined ? [sql`${column} >= ${r.from}`] : []), ...(r.to !== undefined ? [sql`${column} <= ${r.to}`] : [])];
}

/** The filter as one SQL condition over `customers cu join channel_accounts a`. An empty filter is every customer. */
export function segmentCondition(filter: SegmentFilter): SQL {
  const parts: SQL[] = [];
  const { tags } = filter;
  if (tags?.any) parts.push(sql`exists (select 1 from customer_tags t where t.customer_id = cu.id and t.tag_id in (${list(tags.any)}))`);
  for (const tagId of tags?.all ?? [])
    parts.push(sql`exists (select 1 from customer_tags t where t.customer_id = cu.id and t.tag_id = ${tagId})`);
  if (tags?.none)
    parts.push(sql`not exists (select 1 from customer_tags t where t.customer_id = cu.id and t.tag_id in (${list(tags.none)}))`);
  if (filter.channels) parts.push(sql`a.channel in (${list(filter.channels)})`);
  if (filter.accounts) parts.push(sql`cu.channel_account_id in (${list(filter.accounts)})`);
  if (filter.firstContact) parts.push(...between(sql`cu.created_at`, filter.firstContact));
  if (filter.lastContact) parts.push(...between(sql`cu.last_seen_at`, filter.lastContact));
  if (filter.messages) {
    const written = sql`(select count(*) from messages m join conversations c on c.id = m.conversation_id
      where c.customer_id = cu.id and m.direction = 'in' and m.sender = 'customer' and m.kind <> 'event')`;
    parts.push(...between(written, filter.messages));
  }
  if (filter.handoffs) {
    const handed = sql`(select count(*) from messages m join conversations c on c.id = m.conversation_id
      where c.customer_id = cu.id and m.sender = 'bot' and m.meta ? 'handoffReason')`;
    parts.push(...between(handed, filter.handoffs));
  }
  for (const a of filter.attributes ?? []) parts.push(attributeCondition(a));
  if (filter.reachableNow !== undefined) parts.push(filter.reachableNow ? REACH : sql`not ${REACH}`);
  return parts.length === 0 ? sql`true` : sql.join(parts, sql` and `);
}

function attributeCondition(a: NonNullable<SegmentFilter['attributes']>[number]): SQL {
  const value = sql`cu.profile ->> ${a.key}`;
  switch (a.op) {
    case 'exists':
      return sql`cu.profile ? ${a.key}`;
    case 'missing':
      return sql`not (cu.profile ? ${a.key})`;
    case 'equals':
      return sql`${value} = ${a.value ?? ''}`;
    case 'not_equals':
      return sql`${value} is distinct from ${a.value ?? ''}`;
    case 'contains':
      return sql`strpos(lower(${value}), lower(${a.value ?? ''})) > 0`;
  }
}
