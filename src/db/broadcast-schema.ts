import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { segments } from './audience-schema.ts';
import { createdAt, updatedAt } from './columns.ts';
import { staffUsers } from './staff-schema.ts';

/**
 * Broadcasts (群发, issue 16, docs/marketing.md): one message to the customers of a segment or of
 * tags, each through their own channel within its rules, each recipient once (src/broadcasts/).
 */

/** scheduled (waits for `send_at`) → sending → done | cancelled. */
export const broadcastStates = ['scheduled', 'sending', 'done', 'cancelled'] as const;
export type BroadcastState = (typeof broadcastStates)[number];

export const broadcasts = pgTable('broadcasts', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  text: text('text').notNull(),
  /** Who gets it: the customers of a segment, or of any of `tag_ids` (exactly one of the two). */
  segmentId: integer('segment_id').references(() => segments.id, { onDelete: 'set null' }),
  tagIds: jsonb('tag_ids').$type<number[]>(),
  state: text('state').$type<BroadcastState>().notNull().default('scheduled'),
  sendAt: timestamp('send_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Sends per minute at most, over every channel (throttle). */
  perMinute: integer('per_minute').notNull(),
  /** When the recipients were listed (once: the audience is fixed when sending starts). */
  enlistedAt: timestamp('enlisted_at', { withTimezone: true, mode: 'date' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  createdBy: integer('created_by').references(() => staffUsers.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * pending → sending (claimed in its own transaction before the request leaves) → sent | skipped
 * (`reason`) | failed (`errcode`). A recipient found `sending` after a crash is never sent again:
 * it becomes failed with `interrupted` (the platform may or may not have it), so nobody gets a
 * broadcast twice.
 */
export const recipientStates = ['pending', 'sending', 'sent', 'skipped', 'failed'] as const;
export type RecipientState = (typeof recipientStates)[number];

export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    broadcastId: integer('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    /**
     * No foreign key: an anonymous web visitor who signs in is merged into the customer and
     * deleted (src/conversations/merge-visitor-history.ts), and the report keeps what they were sent.
     */
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    state: text('state').$type<RecipientState>().notNull().default('pending'),
    /**
     * Why it was skipped (opted_out, window_closed, quota_spent, no_open_session, channel_cannot_broadcast,
     * monthly_limit…); on a `sent` WeCom external contact, `awaiting_member` until the member confirms the task.
     */
    reason: text('reason'),
    /** The platform's code when it failed (e.g. wecom-kf:95001), or `interrupted`. */
    errcode: text('errcode'),
    /** The WeCom group-send task (broadcast_group_tasks) it went out in, for a WeCom external contact. */
    groupTaskId: integer('group_task_id'),
    /** The Official Account mass send (broadcast_mass_sends) it went out in, for a follower reached by tag. */
    massSendId: integer('mass_send_id'),
    /** The message it became in the customer's conversation, once sent. */
    messageId: bigint('message_id', { mode: 'number' }),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('broadcast_recipients_once').on(t.broadcastId, t.customerId),
    index('broadcast_recipients_pending').on(t.broadcastId, t.id).where(sql`state in ('pending', 'sending')`),
    // The reply window counts what a customer was sent since they last wrote (src/conversations/reply-window.ts).
    index('broadcast_recipients_sent_to').on(t.customerId, t.sentAt).where(sql`state = 'sent'`),
    // A WeCom group task's recipients, read when its results are checked (src/broadcasts/send-wecom-group-tasks.ts).
    index('broadcast_recipients_group_task').on(t.groupTaskId).where(sql`group_task_id is not null`),
    // What a follower got by mass send this month, for the 服务号 limit (src/broadcasts/send-oa-mass-sends.ts).
    index('broadcast_recipients_mass_send').on(t.massSendId).where(sql`mass_send_id is not null`),
  ],
);

/**
 * creating (recorded with its recipients before the request leaves) → created (the platform's
 * `msgid`) | failed (`errcode`) | interrupted (a worker died mid-request: never sent again).
 */
export const groupTaskStates = ['creating', 'created', 'failed', 'interrupted'] as const;
export type GroupTaskState = (typeof groupTaskStates)[number];

/**
 * A broadcast's task on WeCom for one member (企业群发, externalcontact/add_msg_template): the member
 * confirms it in the WeCom client, then WeCom sends it to the listed external contacts
 * (src/broadcasts/send-wecom-group-tasks.ts). `checked_at`: when its per-customer results were last read.
 */
export const broadcastGroupTasks = pgTable('broadcast_group_tasks', {
  id: serial('id').primaryKey(),
  broadcastId: integer('broadcast_id')
    .notNull()
    .references(() => broadcasts.id, { onDelete: 'cascade' }),
  sender: text('sender').notNull(),
  state: text('state').$type<GroupTaskState>().notNull().default('creating'),
  platformTaskId: text('platform_task_id'),
  errcode: text('errcode'),
  recipients: integer('recipients').notNull(),
  checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * creating (recorded with its recipients before the request leaves) → sent (the platform's `msg_id`)
 * → finished (MASSSENDJOBFINISH came: the totals) | failed (`errcode`) | interrupted (a worker died
 * mid-request: never sent again). Never requested: refused (the account's limit, `errcode` names it)
 * or unused (`errcode` says why: no such tag on the account, none of its followers listed…).
 */
export const massSendStates = ['creating', 'sent', 'finished', 'failed', 'interrupted', 'refused', 'unused'] as const;
export type MassSendState = (typeof massSendStates)[number];

/**
 * A broadcast's one Official Account mass send to a user tag (message/mass/sendall), per account
 * (src/broadcasts/send-oa-mass-sends.ts). The totals are WeChat's, from the MASSSENDJOBFINISH event.
 */
export const broadcastMassSends = pgTable(
  'broadcast_mass_sends',
  {
    id: serial('id').primaryKey(),
    broadcastId: integer('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    accountName: text('account_name').notNull(),
    /** The Official Account's user tag id it went to. */
    platformTagId: text('platform_tag_id'),
    state: text('state').$type<MassSendState>().notNull().default('creating'),
    recipients: integer('recipients').notNull().default(0),
    /** sendall's msg_id: the MASSSENDJOBFINISH event names it. */
    platformMsgId: text('platform_msg_id'),
    errcode: text('errcode'),
    /** From MASSSENDJOBFINISH: Status ("send success", "send fail", "err(num)") and the counts. */
    status: text('status'),
    totalCount: integer('total_count'),
    filterCount: integer('filter_count'),
    sentCount: integer('sent_count'),
    errorCount: integer('error_count'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One mass send per broadcast and account, however often a slice runs or a worker dies.
    uniqueIndex('broadcast_mass_sends_once').on(t.broadcastId, t.accountName),
    index('broadcast_mass_sends_msg').on(t.accountName, t.platformMsgId),
  ],
);
