import { sql } from 'drizzle-orm';
import { tags } from './audience-schema.ts';
import { teams } from './staff-schema.ts';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * One schema for PostgreSQL and PGlite. Migrations in migrations/ are generated from this file
 * (`npm run db:generate`) and applied on start and by `npm run migrate`.
 *
 * Shape: a channel account (one WeCom app, one Official Account, one web widget…) has customers;
 * a customer has conversations (at most one open); a conversation has messages in both directions;
 * an outbound message has one delivery per part sent to the platform.
 */

import { createdAt, updatedAt } from './columns.ts';
import { staffUsers } from './staff-schema.ts';

/**
 * One row: this database's random id, made by the migration that created the table. Redis keys
 * carry it (REDIS_PREFIX:<id>:…), so a fresh database never meets jobs, locks or announcements
 * of another one that used the same Redis (src/db/database-identity.ts).
 */
export const databaseIdentity = pgTable('database_identity', {
  id: text('id').primaryKey(),
  createdAt: createdAt(),
});

export const channelAccounts = pgTable(
  'channel_accounts',
  {
    id: serial('id').primaryKey(),
    /** 'wecom' | 'wechat-mp' | 'wecom-kf' | 'wecom-aibot' | 'web' */
    channel: text('channel').notNull(),
    /** The account name in routes and config: `default` is the env-configured one. */
    name: text('name').notNull(),
    /** Non-secret settings shown to operators (corp id, agent id); secrets stay in config. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('channel_accounts_channel_name').on(t.channel, t.name)],
);

export const customers = pgTable(
  'customers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channelAccountId: integer('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    /** The platform's id of the person: WeCom UserID, OA openid, kf external_userid, web visitor id. */
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    /** Platform profile (avatar, unionid…) and anything marketers attach later. */
    profile: jsonb('profile').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('customers_account_external').on(t.channelAccountId, t.externalId)],
);

export const customerTagSources = ['manual', 'rule', 'brain', 'wecom', 'wechat-mp'] as const;
export type CustomerTagSource = (typeof customerTagSources)[number];

/**
 * Tags on a customer: the handoff policy reads them with each turn (a VIP tag hands the first
 * message to a person), segments filter on them. `source` says how it got there: a person
 * (`user_id`), a rule (`rule_id`), the brain, or a platform's own tags (WeCom 客户标签, the
 * Official Account's user tags). The (tag, customer) index serves segments.
 */
export const customerTags = pgTable(
  'customer_tags',
  {
    customerId: bigint('customer_id', { mode: 'number' })
      .notNull()
      .references(() => customers.id),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id),
    source: text('source').$type<CustomerTagSource>().notNull(),
    ruleId: integer('rule_id'),
    userId: integer('user_id'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.tagId] }), index('customer_tags_tag_customer').on(t.tagId, t.customerId)],
);

/** Every tag put on or taken off a customer, by what and whom: the tag's history on the customer panel. */
export const customerTagEvents = pgTable(
  'customer_tag_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: bigint('customer_id', { mode: 'number' })
      .notNull()
      .references(() => customers.id),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id),
    action: text('action').$type<'added' | 'removed'>().notNull(),
    source: text('source').$type<CustomerTagSource>().notNull(),
    ruleId: integer('rule_id'),
    userId: integer('user_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('customer_tag_events_customer').on(t.customerId, t.id)],
);

/** Raw bytes: node-postgres reads bytea as a Buffer, PGlite as a Uint8Array. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Files customers send on any channel (the media store, src/media/media-store.ts; named for its
 * first user), bytes included: every process serves every file without a shared volume. Web
 * uploads arrive through the API, capped by WEB_CHAT_MAX_UPLOAD_BYTES before anything is stored,
 * and are served only to their owner (the visitor id from the session token); platform media (a
 * WeChat MediaId) is fetched by the worker, capped at the platform's own limit.
 */
export const webUploads = pgTable(
  'web_uploads',
  {
    /** 32 hex characters, random: the file's URL. */
    id: text('id').primaryKey(),
    channelAccountId: integer('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    /** The visitor who sent it (`v:…` or `u:…`); moves with their history when they sign in. */
    owner: text('owner').notNull(),
    /** image when the bytes are a PNG, JPEG, GIF or WebP picture; anything else is a file. */
    kind: text('kind').$type<'image' | 'file'>().notNull(),
    contentType: text('content_type').notNull(),
    name: text('name').notNull(),
    size: integer('size').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('web_uploads_owner').on(t.channelAccountId, t.owner)],
);

/**
 * Sessions of a customer issued before `revokedBefore` are refused (web widget tokens carry their
 * issue time). Its own table, not a column of customers: the mark must outlive a deleted customer
 * and apply to a visitor who never wrote. Read by primary key on every authenticated web request.
 */
export const sessionRevocations = pgTable(
  'session_revocations',
  {
    channelAccountId: integer('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    externalId: text('external_id').notNull(),
    revokedBefore: timestamp('revoked_before', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelAccountId, t.externalId] })],
);

export const conversationStatuses = ['bot', 'needs_human', 'human', 'closed'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];

export const conversations = pgTable(
  'conversations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    customerId: bigint('customer_id', { mode: 'number' })
      .notNull()
      .references(() => customers.id),
    channelAccountId: integer('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    status: text('status').$type<ConversationStatus>().notNull().default('bot'),
    /** Why the conversation needs a human (customer asked, delivery failed, job failed…). */
    handoffReason: text('handoff_reason'),
    /** When the conversation last went to needs_human: the inbox orders those waiting by it. Null otherwise. */
    waitingSince: timestamp('waiting_since', { withTimezone: true, mode: 'date' }),
    /** The staff user (id, as text) who holds the conversation while it is `human` (src/conversations/assign-conversation.ts). */
    assignee: text('assignee'),
    /**
     * 微信客服 only: the WeCom member (userid) answering it in the WeCom client (session state 3).
     * Such a conversation is `human` with no assignee: no staff account holds it, and our console
     * does not send while it is set (src/conversations/hand-to-servicer.ts).
     */
    servicerUserId: text('servicer_userid'),
    /** The team whose queue it waits in: its channel account's team when flagged, or the one it was transferred to. */
    teamId: integer('team_id').references(() => teams.id),
    /** The model brain's rolling summary of turns older than the ones it quotes verbatim. */
    summary: text('summary'),
    /** Time of the last turn folded into `summary`; later turns are not in it yet. */
    summarizedThrough: timestamp('summarized_through', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /**
     * Fencing token of the turn allowed to send: each turn that takes the conversation lock raises
     * it, and a delivery is marked `sending` only by the turn holding the current value. A turn
     * whose Redis lock expired under it can no longer send (src/conversations/send-fence.ts).
     */
    sendFence: bigint('send_fence', { mode: 'number' }).notNull().default(0),
    /**
     * When the current stretch with a person began: the handoff (waiting_since) when it was
     * waiting, else the takeover. First-response time counts from it (kefu_first_response_seconds).
     */
    humanSince: timestamp('human_since', { withTimezone: true, mode: 'date' }),
    /** The first agent reply of that stretch; null until then. */
    firstResponseAt: timestamp('first_response_at', { withTimezone: true, mode: 'date' }),
    /** When a person last resolved (back to the bot) or closed it, and who (staff user id, as text): the inbox's `resolved` view. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    resolvedBy: text('resolved_by'),
  },
  (t) => [
    // At most one open conversation per customer: makes "find or open" race-free.
    uniqueIndex('conversations_one_open_per_customer').on(t.customerId).where(sql`status <> 'closed'`),
    // A customer's whole history (closed conversations too), e.g. the web widget's history.
    index('conversations_customer').on(t.customerId, t.id),
    index('conversations_status_last_message').on(t.status, t.lastMessageAt),
    // The inbox views, each an index walk in its own order (docs/performance.md, "Inbox at 100,000").
    index('conversations_waiting').on(t.waitingSince, t.id).where(sql`status = 'needs_human'`),
    index('conversations_open_by_last_message').on(t.lastMessageAt, t.id).where(sql`status <> 'closed'`),
    index('conversations_held_by').on(t.assignee, t.lastMessageAt, t.id).where(sql`assignee is not null and status <> 'closed'`),
    index('conversations_resolved').on(t.resolvedAt, t.id).where(sql`resolved_at is not null`),
    index('conversations_resolved_by').on(t.resolvedBy, t.resolvedAt, t.id).where(sql`resolved_at is not null`),
    // The dashboard: conversations opened per day by channel, and handed-off stretches answered by a person.
    index('conversations_created_by_channel').on(t.createdAt, t.channelAccountId),
    index('conversations_first_response').on(t.firstResponseAt, t.humanSince).where(sql`first_response_at is not null`),
  ],
);

/**
 * How far each person has read each conversation: customer messages after the marker are unread
 * for them. Moved only forward, and only when the console says so (POST …/read); reading the
 * history does not move it.
 */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
    conversationId: bigint('conversation_id', { mode: 'number' })
      .notNull()
      .references(() => conversations.id),
    lastReadMessageId: bigint('last_read_message_id', { mode: 'number' }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);

export const messageDirections = ['in', 'out'] as const;
/** Inbound: pending → answered | held (a human owns the conversation) | ignored (events the bot does not answer). Outbound: queued → sent | failed. */
export const messageStatuses = ['pending', 'answered', 'held', 'ignored', 'queued', 'sent', 'failed'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: bigint('conversation_id', { mode: 'number' })
      .notNull()
      .references(() => conversations.id),
    channelAccountId: integer('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    direction: text('direction').$type<(typeof messageDirections)[number]>().notNull(),
    /** 'customer' | 'bot' | 'agent' | 'system' */
    sender: text('sender').notNull(),
    /** Normalized content type: text, image, voice, video, file, location, link, event. */
    kind: text('kind').notNull(),
    /** The text the brain and agents read (the text itself, a voice transcript, a link title…). */
    text: text('text'),
    /** The full normalized content. */
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<MessageStatus>().notNull(),
    /** Platform message id (MsgId, msgid) when the platform gives one. */
    platformMessageId: text('platform_message_id'),
    /** Inbound retries of one callback share this key; unique per account so a retry is never stored twice. */
    dedupeKey: text('dedupe_key'),
    /** Outbound: the last inbound message this reply answers (one reply per turn). */
    replyToId: bigint('reply_to_id', { mode: 'number' }),
    /** Inbound: the outbound reply that answered it. */
    answeredById: bigint('answered_by_id', { mode: 'number' }),
    /** What the brain decided (handoff reason, matched FAQ entry, confidence…). */
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull().default({}),
    platformSentAt: timestamp('platform_sent_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_account_dedupe').on(t.channelAccountId, t.dedupeKey),
    uniqueIndex('messages_one_reply_per_turn').on(t.replyToId),
    index('messages_conversation_id').on(t.conversationId, t.id),
    // The customer messages waiting for an answer (the backlog), by conversation: a turn reads its
    // conversation's, and the recovery sweep reads them all. Once this was ordered by time alone,
    // and a turn walked the whole backlog to find its own (the planner cannot tell two small
    // partial indexes apart on a young table, so there is one).
    index('messages_pending_by_conversation').on(t.conversationId, t.id).where(sql`direction = 'in' and status = 'pending'`),
    // Unread counts: what the customer wrote (not platform events) in a conversation after a read marker.
    index('messages_from_customer').on(t.conversationId, t.id).where(sql`sender = 'customer' and kind <> 'event'`),
    // The console's 渠道 page: each account's last inbound message (src/channel-accounts/delivery-health.ts).
    index('messages_inbound_by_account').on(t.channelAccountId, t.createdAt).where(sql`direction = 'in'`),
    // Search by text (pg_trgm) is a GIN index created by hand in its migration, after the extension
    // it needs (drizzle-kit would create it first): messages_text_trgm, customers_display_name_trgm.
    // The dashboard (src/insights/dashboard-figures.ts): messages per day by channel as an
    // index-only scan, and the bot's replies of a period with the few columns its figures read.
    index('messages_created_by_channel').on(t.createdAt, t.channelAccountId, t.direction, t.sender),
    index('messages_bot_replies').on(t.createdAt, t.replyToId).where(sql`sender = 'bot'`),
    // 未知问题 (src/insights/unanswered-turns.ts): the bot's replies that declined (a clarify
    // reply) or handed off, newest first; a few percent of all replies, so the index stays small.
    index('messages_unanswered_replies')
      .on(t.createdAt, t.replyToId)
      .where(sql`sender = 'bot' and (meta ? 'handoffReason' or meta->>'decision' = 'clarify')`),
  ],
);

export const answerRatings = ['up', 'down'] as const;
export type AnswerRating = (typeof answerRatings)[number];

/**
 * What a customer thought of one bot answer (👍/👎 in the web widget, the AI bot's feedback), one
 * row per answer: a second vote replaces the first. A 👎 puts the question into 未知问题 and the
 * answer out of the bot's resolution rate (src/conversations/record-answer-feedback.ts).
 */
export const answerFeedback = pgTable(
  'answer_feedback',
  {
    messageId: bigint('message_id', { mode: 'number' })
      .primaryKey()
      .references(() => messages.id),
    rating: text('rating').$type<AnswerRating>().notNull(),
    /** Where the vote came from: the channel (`web`, `wecom-kf`…). */
    source: text('source').notNull(),
    /**
     * Copied from the rated reply when the vote is stored (a reply never changes): when it was
     * given, and whether it answered (no handoff, not a decline). The dashboard counts 👎 per day of
     * the answer from the small index answer_feedback_down_answers alone, without reading messages.
     */
    answerCreatedAt: timestamp('answer_created_at', { withTimezone: true, mode: 'date' }).notNull(),
    answered: boolean('answered').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('answer_feedback_down').on(t.updatedAt, t.messageId).where(sql`rating = 'down'`),
    index('answer_feedback_down_answers').on(t.answerCreatedAt).where(sql`rating = 'down' and answered`),
  ],
);

/**
 * Questions of 未知问题 an admin answered: turned into an FAQ entry or a similar question of one
 * (src/insights/answer-question-group.ts). They leave the list; the same question asked again
 * and still not answered is a new turn, and comes back.
 */
export const unansweredFixes = pgTable('unanswered_fixes', {
  /** The customer's message (the question of the turn). */
  questionId: bigint('question_id', { mode: 'number' })
    .primaryKey()
    .references(() => messages.id),
  /** The FAQ entry's standard question it was answered with. */
  entryQuestion: text('entry_question').notNull(),
  fixedBy: integer('fixed_by').references(() => staffUsers.id),
  createdAt: createdAt(),
});

export const deliveryStatuses = ['pending', 'sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id),
    conversationId: bigint('conversation_id', { mode: 'number' })
      .notNull()
      .references(() => conversations.id),
    /** Long replies are split into parts the platform accepts; each part is one delivery, sent in order. */
    part: smallint('part').notNull(),
    /** The exact text of this part: resending after a crash must send the identical request. */
    body: text('body').notNull(),
    /**
     * pending → sending (request about to leave) → sent | failed. A delivery found in `sending`
     * after a crash may or may not have reached the platform: it is resent with the platform's
     * duplicate check where one exists (docs/delivery-guarantees.md).
     */
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Last platform error, e.g. "wecom:45009". */
    lastErrorCode: text('last_error_code'),
    lastError: text('last_error'),
    platformMessageId: text('platform_message_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('deliveries_message_part').on(t.messageId, t.part),
    index('deliveries_unfinished').on(t.conversationId, t.id).where(sql`status in ('pending', 'sending')`),
    // Sends and failures of the last 24 hours, on the console's 渠道 page.
    index('deliveries_created_at').on(t.createdAt),
  ],
);

/**
 * WeCom Customer Service (微信客服) message sync, one row per (account, open_kfid). A callback only
 * says "there is something new" and bumps requested_generation; the sync job pulls kf/sync_msg
 * pages from `cursor`, stores each page's messages, then saves that page's next_cursor — so a
 * restart resumes where the stored messages end: nothing lost, nothing fetched twice into the
 * pipeline. A sync is due while requested_generation > synced_generation.
 */
export const wecomKfSyncState = pgTable(
  'wecom_kf_sync_state',
  {
    id: serial('id').primaryKey(),
    accountName: text('account_name').notNull(),
    openKfId: text('open_kfid').notNull(),
    /** next_cursor after the last page whose messages are all stored; null = from the start. */
    cursor: text('cursor'),
    requestedGeneration: integer('requested_generation').notNull().default(0),
    syncedGeneration: integer('synced_generation').notNull().default(0),
    /** Token of the latest callback: sync_msg with it has a looser rate limit; valid 10 minutes. */
    callbackToken: text('callback_token'),
    callbackTokenAt: timestamp('callback_token_at', { withTimezone: true, mode: 'date' }),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('wecom_kf_sync_state_account_kf').on(t.accountName, t.openKfId),
    index('wecom_kf_sync_state_due').on(t.updatedAt).where(sql`requested_generation > synced_generation`),
  ],
);

/** Which team a channel account's waiting conversations go to (at most one team per account). */
export const teamChannelAccounts = pgTable('team_channel_accounts', {
  channelAccountId: integer('channel_account_id')
    .primaryKey()
    .references(() => channelAccounts.id),
  teamId: integer('team_id')
    .notNull()
    .references(() => teams.id, { onDelete: 'cascade' }),
});

/**
 * The dashboard's figures of one closed day, as cut in one time zone (src/insights/dashboard-figures.ts):
 * a day is counted once, after it ended, and read from here after that. Today is read from
 * dashboard_quarters and its last minutes counted live.
 */
export const dashboardDays = pgTable(
  'dashboard_days',
  {
    timeZone: text('time_zone').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    figures: jsonb('figures').$type<Record<string, unknown>>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.timeZone, t.day] })],
);

/**
 * The dashboard's figures of one quarter hour (starting at a quarter of a UTC hour), kept once the
 * quarter is over for a while (src/insights/dashboard-figures.ts), so a view of today counts only
 * its last minutes. Quarters belong to no time zone: every zone in use is a whole number of quarter
 * hours from UTC, so each quarter falls in one day of any of them.
 */
export const dashboardQuarters = pgTable('dashboard_quarters', {
  startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).primaryKey(),
  figures: jsonb('figures').$type<Record<string, unknown>>().notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

// The knowledge-base tables are the brain's, kept apart so that src/brain/ imports them without
// the conversation tables (.dependency-cruiser.cjs); re-exported here for migrations and scripts.
export * from './audience-schema.ts';
export * from './knowledge-schema.ts';

// Staff accounts, sessions, API tokens and the audit log (src/staff/, src/audit/).
export * from './staff-schema.ts';

// Channel accounts added in the console, their secrets sealed (src/channels/stored-accounts/).
export * from './channel-settings-schema.ts';
// The bot's settings saved in the console (src/settings/).
export * from './settings-schema.ts';
// Broadcasts (群发) and their recipients (src/broadcasts/).
export * from './broadcast-schema.ts';
