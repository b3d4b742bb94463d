import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import type { ConversationStatus } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';
import { type InboxSegment, type InboxView, inboxSegments } from './inbox-views.ts';
import { readForStaff, type StaffActor } from './staff-access.ts';

export interface InboxFilter {
  /** Absent: `all`. */
  view?: InboxView;
  /** Within `all`, one status; absent: every conversation that is not closed. */
  status?: ConversationStatus;
  channel?: string;
  /** The channel account's name (`default`, …). */
  account?: string;
  limit: number;
  /** `nextCursor` of the page before. */
  cursor?: string;
}

export interface InboxEntry {
  id: number;
  status: ConversationStatus;
  channel: string;
  account: string;
  customer: { id: number; externalId: string; displayName: string | null };
  handoffReason: string | null;
  waitingSince: string | null;
  assignee: number | null;
  /** 微信客服: the WeCom member holding it in the WeCom client (then `assignee` is null). */
  servicerUserId: string | null;
  lastMessageAt: string;
  createdAt: string;
  resolvedAt: string | null;
  /** The customer's messages after the caller's read marker (POST …/read). */
  unread: number;
}

type Timestamp = string | Date;

interface InboxRow {
  id: number;
  status: ConversationStatus;
  channel: string;
  account: string;
  customer: InboxEntry['customer'];
  handoffReason: string | null;
  waitingSince: Timestamp | null;
  assignee: string | null;
  servicerUserId: string | null;
  lastMessageAt: Timestamp;
  createdAt: Timestamp;
  resolvedAt: Timestamp | null;
  unread: number;
  sortKey: number;
}

/**
 * The inbox, one view at a time (src/conversations/inbox-views.ts): in `all`, conversations waiting
 * for a person first, longest-waiting first, with why; then the rest, most recent message first.
 * Paged by keyset on (segment, key, id), so a page costs the same deep in the list and a
 * conversation that moves between pages is neither skipped twice nor repeated within one.
 */
export async function listInbox(
  db: Database,
  actor: StaffActor,
  filter: InboxFilter,
): Promise<{ conversations: InboxEntry[]; nextCursor: string | null }> {
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  const filters: SQL[] = [];
  if (filter.channel) filters.push(sql`a.channel = ${filter.channel}`);
  if (filter.account) filters.push(sql`a.name = ${filter.account}`);
  const rows: Array<InboxRow & { rank: number }> = [];
  for (const segment of inboxSegments(filter.view ?? 'all', actor, filter.status)) {
    if (filter.status && !segment.statuses.includes(filter.status)) continue;
    if (cursor && cursor[0] > segment.rank) continue;
    const conditions = [segment.where, ...filters];
    if (cursor && cursor[0] === segment.rank) conditions.push(after(segment, cursor));
    const found = await selectInboxRows(db, actor, conditions, segment, filter.limit + 1 - rows.length);
    rows.push(...found.map((row) => ({ ...row, rank: segment.rank })));
    if (rows.length > filter.limit) break;
  }
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    conversations: page.map(toEntry),
    nextCursor: rows.length > filter.limit && last ? encodeCursor([last.rank, last.sortKey, last.id]) : null,
  };
}

/** One conversation as the inbox shows it: 404 when there is none, 403 when the actor may not see it. */
export async function readConversation(db: Database, actor: StaffActor, conversationId: number): Promise<InboxEntry> {
  await readForStaff(db, actor, conversationId);
  const [row] = await selectInboxRows(db, actor, [sql`c.id = ${conversationId}`], undefined, 1);
  return toEntry(row!);
}

/** The rows after the cursor's, in the segment's order: a row comparison its index serves. */
function after(segment: InboxSegment, [, key, id]: Cursor): SQL {
  const column = sql.raw(`c.${segment.column}`);
  // Microseconds since the epoch, exactly: a float of seconds would round and repeat or skip a row.
  const at = sql`(timestamptz 'epoch' + (${String(key)} || ' microseconds')::interval)`;
  return segment.direction === 'asc' ? sql`(${column}, c.id) > (${at}, ${id}::bigint)` : sql`(${column}, c.id) < (${at}, ${id}::bigint)`;
}

/**
 * The inbox's columns for the conversations matching `conditions`, in the segment's index order
 * (none for one conversation by id), with the caller's unread count: counted for the rows of the
 * page only, through messages_from_customer.
 */
export function selectInboxRows(
  db: Database,
  actor: StaffActor,
  conditions: SQL[],
  segment: InboxSegment | undefined,
  limit: number,
): Promise<InboxRow[]> {
  const column = sql.raw(`c.${segment?.column ?? 'last_message_at'}`);
  const direction = sql.raw(segment?.direction ?? 'desc');
  return queryRows<InboxRow>(
    db,
    sql`
    select c.id::int, c.status, a.channel, a.name as account,
           json_build_object('id', cu.id, 'externalId', cu.external_id, 'displayName', cu.display_name) as customer,
           c.handoff_reason as "handoffReason", c.waiting_since as "waitingSince", c.assignee, c.servicer_userid as "servicerUserId",
           c.last_message_at as "lastMessageAt", c.created_at as "createdAt", c.resolved_at as "resolvedAt",
           (select count(*)::int from messages m
             where m.conversation_id = c.id and m.sender = 'customer' and m.kind <> 'event'
               and m.id > coalesce((select r.last_read_message_id from conversation_reads r
                                     where r.user_id = ${actor.userId} and r.conversation_id = c.id), 0)) as unread,
           (extract(epoch from ${column}) * 1000000)::float8 as "sortKey"
    from conversations c
    join channel_accounts a on a.id = c.channel_account_id
    join customers cu on cu.id = c.customer_id
    where ${sql.join(conditions, sql` and `)}
    order by ${column} ${direction}, c.id ${direction}
    limit ${limit}`,
  );
}

export function toEntry({ sortKey: _key, rank: _rank, ...entry }: InboxRow & { rank?: number }): InboxEntry {
  return {
    ...entry,
    assignee: entry.assignee === null ? null : Number(entry.assignee),
    waitingSince: iso(entry.waitingSince),
    lastMessageAt: iso(entry.lastMessageAt)!,
    createdAt: iso(entry.createdAt)!,
    resolvedAt: iso(entry.resolvedAt),
  };
}

/** Both drivers give timestamps of raw queries in their own form: a Date or a string. */
function iso(value: Timestamp | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** [segment rank, sort key in epoch microseconds, conversation id] of the page's last row. */
type Cursor = [rank: number, key: number, id: number];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (Array.isArray(value) && value.length === 3 && value.every((v) => Number.isSafeInteger(v))) return value as Cursor;
  } catch {
    // Not base64url JSON: refused below like any other malformed cursor.
  }
  throw new RejectedRequestError('invalid_cursor', 'cursor is not one this API gave', 400);
}
