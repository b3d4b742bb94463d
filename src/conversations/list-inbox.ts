import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import type { ConversationStatus } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';
import { readForStaff, seesEverything, type StaffActor } from './staff-access.ts';

export interface InboxFilter {
  /** Absent: every conversation that is not closed. */
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
  lastMessageAt: string;
  createdAt: string;
}

interface InboxRow extends Omit<InboxEntry, 'assignee'> {
  assignee: string | null;
  sortRank: number;
  sortKey: number;
}

/**
 * The inbox: conversations waiting for a person first, longest-waiting first, with why; then the
 * rest, most recent message first. An agent sees those waiting and their own (teams do not exist
 * yet). Paged by keyset on (rank, key, id), so a page costs the same deep in the list and a
 * conversation that moves between pages is neither skipped twice nor repeated within one.
 */
export async function listInbox(
  db: Database,
  actor: StaffActor,
  filter: InboxFilter,
): Promise<{ conversations: InboxEntry[]; nextCursor: string | null }> {
  const conditions: SQL[] = [filter.status ? sql`c.status = ${filter.status}` : sql`c.status <> 'closed'`];
  if (filter.channel) conditions.push(sql`a.channel = ${filter.channel}`);
  if (filter.account) conditions.push(sql`a.name = ${filter.account}`);
  if (!seesEverything(actor)) {
    conditions.push(
      sql`(c.status = 'needs_human' or c.assignee = ${String(actor.userId)} or c.team_id in (select team_id from team_members where user_id = ${actor.userId}))`,
    );
  }
  if (filter.cursor) {
    const [rank, key, id] = decodeCursor(filter.cursor);
    conditions.push(sql`(sort.rank, sort.key, c.id) > (${rank}::int, ${key}::float8, ${id}::bigint)`);
  }
  const rows = await selectInboxRows(db, conditions, filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    conversations: page.map(toEntry),
    nextCursor: rows.length > filter.limit && last ? encodeCursor([last.sortRank, last.sortKey, last.id]) : null,
  };
}

/** One conversation as the inbox shows it: 404 when there is none, 403 when the actor may not see it. */
export async function readConversation(db: Database, actor: StaffActor, conversationId: number): Promise<InboxEntry> {
  await readForStaff(db, actor, conversationId);
  const [row] = await selectInboxRows(db, [sql`c.id = ${conversationId}`], 1);
  return toEntry(row!);
}

function selectInboxRows(db: Database, conditions: SQL[], limit: number): Promise<InboxRow[]> {
  return queryRows<InboxRow>(
    db,
    sql`
    select c.id::int, c.status, a.channel, a.name as account,
           json_build_object('id', cu.id, 'externalId', cu.external_id, 'displayName', cu.display_name) as customer,
           c.handoff_reason as "handoffReason", c.waiting_since as "waitingSince", c.assignee,
           c.last_message_at as "lastMessageAt", c.created_at as "createdAt",
           sort.rank as "sortRank", sort.key as "sortKey"
    from conversations c
    join channel_accounts a on a.id = c.channel_account_id
    join customers cu on cu.id = c.customer_id
    cross join lateral (select
      case when c.status = 'needs_human' then 0 else 1 end as rank,
      case when c.status = 'needs_human' then extract(epoch from coalesce(c.waiting_since, c.updated_at))
           else -extract(epoch from c.last_message_at) end::float8 as key) sort
    where ${sql.join(conditions, sql` and `)}
    order by sort.rank, sort.key, c.id
    limit ${limit}`,
  );
}

function toEntry({ sortRank: _rank, sortKey: _key, ...row }: InboxRow): InboxEntry {
  return {
    ...row,
    assignee: row.assignee === null ? null : Number(row.assignee),
    waitingSince: iso(row.waitingSince),
    lastMessageAt: iso(row.lastMessageAt)!,
    createdAt: iso(row.createdAt)!,
  };
}

/** Both drivers give timestamps of raw queries in their own form: a Date or a string. */
function iso(value: string | Date | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

type Cursor = [rank: number, key: number, id: number];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && Number.isFinite(v)))
      return value as Cursor;
  } catch {
    // Not base64url JSON: refused below like any other malformed cursor.
  }
  throw new RejectedRequestError('invalid_cursor', 'cursor is not one this API gave', 400);
}
