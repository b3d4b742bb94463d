import { inArray } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations } from '../db/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { ConversationChange, ConversationEvents } from './conversation-events.ts';

/** Tells the console of changes made outside a console operation (the intake, the worker). */
export type AnnounceConversations = (conversationIds: number[], change: ConversationChange) => void;

/**
 * For code that changed conversations without holding their state (the intake's one-statement
 * store, the worker's turn): reads their status, assignee and team in one query after the commit,
 * then publishes. Never waited on and never throws: a lost event costs a stale console until it
 * refetches, never a change.
 */
export function conversationAnnouncer(db: Database, events: ConversationEvents, logger: Logger): AnnounceConversations {
  return (conversationIds, change) => {
    if (conversationIds.length === 0) return;
    db.select({ id: conversations.id, status: conversations.status, assignee: conversations.assignee })
      .from(conversations)
      .where(inArray(conversations.id, [...new Set(conversationIds)]))
      .then((rows) => {
        for (const row of rows) {
          const assignee = row.assignee === null ? null : Number(row.assignee);
          events.publish({ conversationId: row.id, change, status: row.status, assignee, teamId: null });
        }
      })
      .catch((err) => logger.warn({ err, change }, 'console event not announced'));
  };
}
