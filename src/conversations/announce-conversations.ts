import type { Database } from '../db/connect.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import type { ConversationStatus } from '../db/schema.ts';
import { batchWhileBusy } from '../lib/batch-while-busy.ts';
import type { Logger } from '../observability/logger.ts';
import type { ConversationChange, ConversationEvents } from './conversation-events.ts';

/** Tells the console of changes made outside a console operation (the intake, the worker). */
export type AnnounceConversations = (conversationIds: number[], change: ConversationChange) => void;

interface Announcement {
  conversationIds: number[];
  change: ConversationChange;
}

/**
 * The console's view of these conversations, a probe of the primary key per id whatever the
 * table's size (src/db/prepared-statement.ts). Named, and the ids one array: through Drizzle, each
 * read was built anew with a parameter per id and planned at every call, in the api for every
 * group commit and in the worker for every batch of replies (docs/performance.md).
 */
export const conversationStatesStatement: PreparedStatement = {
  name: 'conversation_states',
  text: `
    select c.id::float8 as id, c.status, c.assignee, c.team_id as "teamId"
    from unnest($1::bigint[]) as k(id)
    cross join lateral (select id, status, assignee, team_id from conversations where id = k.id limit 1) c`,
};

interface ConversationState {
  id: number;
  status: ConversationStatus;
  assignee: string | null;
  teamId: number | null;
}

/**
 * For code that changed conversations without holding their state (the intake's one-statement
 * store, the worker's turn): reads their status, assignee and team in one query after the commit,
 * then publishes. The announcements made while a read runs share the next one (group commit,
 * src/lib/batch-while-busy.ts): every stored callback and every reply announces, and one read per
 * announcement was two statements per answered message. Never waited on and never throws: a lost
 * event costs a stale console until it refetches, never a change.
 */
export function conversationAnnouncer(db: Database, events: ConversationEvents, logger: Logger): AnnounceConversations {
  const announceAll = batchWhileBusy(async (announcements: Announcement[]) => {
    const ids = [...new Set(announcements.flatMap((a) => a.conversationIds))];
    const rows = await runPrepared<ConversationState>(db, conversationStatesStatement, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const { conversationIds, change } of announcements) {
      for (const id of new Set(conversationIds)) {
        const row = byId.get(id);
        if (!row) continue;
        const assignee = row.assignee === null ? null : Number(row.assignee);
        events.publish({ conversationId: row.id, change, status: row.status, assignee, teamId: row.teamId });
      }
    }
    return announcements.map(() => undefined);
  });
  return (conversationIds, change) => {
    if (conversationIds.length === 0) return;
    announceAll({ conversationIds, change }).catch((err) => logger.warn({ err, change }, 'console event not announced'));
  };
}
