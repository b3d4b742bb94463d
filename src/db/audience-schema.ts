import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';
import { staffUsers, teams } from './staff-schema.ts';

/**
 * What marketers build on customers (issue 16, docs/marketing.md): tag groups and their tags, the
 * rules that put tags on customers from what they say and do, and segments (saved filters). The
 * tags on customers themselves are in schema.ts (customer_tags), beside the customers.
 */

/** A group of tags (标签组), as WeCom's corp tags come in groups. */
export const tagGroups = pgTable('tag_groups', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** The WeCom corp tag group (企业客户标签组) it is synced with (docs/marketing.md, "Sync with the platforms"). */
  wecomGroupId: text('wecom_group_id').unique(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Names are unique within a group; the brain and the handoff rules know a tag by its name. */
export const tags = pgTable(
  'tags',
  {
    id: serial('id').primaryKey(),
    groupId: integer('group_id')
      .notNull()
      .references(() => tagGroups.id),
    name: text('name').notNull(),
    /** The WeCom corp tag (企业客户标签) it is synced with, null while it is ours alone. */
    wecomTagId: text('wecom_tag_id').unique(),
    /** The tag's name on WeCom when last synced: which side renamed it since (src/audience/sync-corp-tags.ts). */
    wecomName: text('wecom_name'),
    /** We created it on WeCom, so we may rename and delete it there; other apps' tags are read-only here. */
    wecomOwned: boolean('wecom_owned').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // 'VIP' and 'vip' are one tag to a person: the handoff policy compares names ignoring case.
  (t) => [uniqueIndex('tags_group_name').on(t.groupId, sql`lower(${t.name})`)],
);

export const tagRuleBackfillStates = ['idle', 'running', 'done', 'failed'] as const;
export type TagRuleBackfillState = (typeof tagRuleBackfillStates)[number];

/**
 * A rule puts `tag_id` on the customers whose messages (or silence) meet `condition` (validated by
 * src/audience/tag-rule-condition.ts). Each change raises `revision` and starts a backfill over the
 * history: `backfill_cursor` is the last message id it finished, so a restart goes on from there.
 */
export const tagRules = pgTable('tag_rules', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  tagId: integer('tag_id')
    .notNull()
    .references(() => tags.id),
  condition: jsonb('condition').$type<Record<string, unknown>>().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  revision: integer('revision').notNull().default(1),
  createdBy: integer('created_by').references(() => staffUsers.id),
  backfillState: text('backfill_state').$type<TagRuleBackfillState>().notNull().default('idle'),
  backfillRevision: integer('backfill_revision').notNull().default(0),
  backfillCursor: bigint('backfill_cursor', { mode: 'number' }).notNull().default(0),
  backfillUntil: bigint('backfill_until', { mode: 'number' }).notNull().default(0),
  backfillTagged: integer('backfill_tagged').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * A saved filter over customers (src/audience/segment-filter.ts). With `route_team_id`, the
 * conversations of its customers that wait for a person go to that team.
 */
export const segments = pgTable('segments', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  filter: jsonb('filter').$type<Record<string, unknown>>().notNull(),
  routeTeamId: integer('route_team_id').references(() => teams.id),
  /** Lower first when several routing segments match one customer. */
  routePriority: integer('route_priority').notNull().default(100),
  createdBy: integer('created_by').references(() => staffUsers.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * WeCom corp tags we created and then deleted here: the next sync deletes them on WeCom too (the
 * tag row is gone with its customers, so the platform id waits here).
 */
export const wecomTagDeletions = pgTable('wecom_tag_deletions', {
  wecomTagId: text('wecom_tag_id').primaryKey(),
  createdAt: createdAt(),
});

export const tagSyncStates = ['idle', 'running', 'done', 'failed'] as const;
export type TagSyncState = (typeof tagSyncStates)[number];

/**
 * One tag sync per platform account: its state, and the cursor of the push (the last tag id it
 * finished), so a sync cut short by a crash goes on from there when its job runs again.
 */
export const tagSyncs = pgTable('tag_syncs', {
  target: text('target').primaryKey(),
  state: text('state').$type<TagSyncState>().notNull().default('idle'),
  cursor: bigint('cursor', { mode: 'number' }).notNull().default(0),
  /** A platform's own paging cursor within the step `cursor` names (the import of WeCom's external contacts). */
  pageCursor: text('page_cursor'),
  imported: integer('imported').notNull().default(0),
  pushed: integer('pushed').notNull().default(0),
  lastError: text('last_error'),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});
