import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';

/**
 * The people who work in the console, their ways in (browser sessions, personal API tokens), the
 * audit log of what they did, and the quick replies they share. Business rules live in src/staff/,
 * src/audit/ and src/quick-replies/; this is the shape.
 */

/** What each role may do is decided in src/staff/roles.ts; the database only keeps the name honest. */
export const staffRoles = ['admin', 'supervisor', 'agent', 'marketer'] as const;
export type StaffRole = (typeof staffRoles)[number];

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const staffUsers = pgTable(
  'staff_users',
  {
    id: serial('id').primaryKey(),
    /** As typed at creation; unique case-insensitively (the index below), looked up by lower(email). */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').$type<StaffRole>().notNull(),
    /** An argon2id PHC string (src/staff/passwords.ts): algorithm, parameters and salt travel with it. */
    passwordHash: text('password_hash').notNull(),
    /** A disabled account cannot log in, and its sessions and tokens stop working at once. */
    disabled: boolean('disabled').notNull().default(false),
    /** The WeCom member (UserID) this person is in the notifying WeCom app: notices go there, replies come from there. */
    wecomUserId: text('wecom_user_id'),
    /** Toggled by the person (PUT /api/me/duty): only those on duty are sent WeCom notices of waiting conversations. */
    onDuty: boolean('on_duty').notNull().default(false),
    /** When a conversation was last assigned to them: round-robin's tie-break, least recently first (src/conversations/assign-waiting-conversations.ts). */
    lastAssignedAt: timestamptz('last_assigned_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('staff_users_email_lower').on(sql`lower(${t.email})`),
    // One member answers for one account: a reply from WeCom must name exactly one person.
    uniqueIndex('staff_users_wecom_user_id').on(t.wecomUserId),
    check('staff_users_role_known', sql`${t.role} in ('admin', 'supervisor', 'agent', 'marketer')`),
  ],
);

/**
 * Browser sessions. The cookie carries a random id; only its SHA-256 is stored, so a read of this
 * table (a backup, a replica) cannot be replayed as a login. Logout and rotation delete the row.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
    /** Sent back in X-CSRF-Token on every unsafe request made with this session's cookie. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    /** Idle expiry: moved forward as the session is used (sliding), never past absoluteExpiresAt. */
    expiresAt: timestamptz('expires_at').notNull(),
    absoluteExpiresAt: timestamptz('absolute_expires_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
    sourceIp: text('source_ip'),
  },
  (t) => [index('staff_sessions_user').on(t.userId)],
);

/** Personal API tokens for integrations: `Authorization: Bearer kfh_…`. Only the SHA-256 is stored. */
export const staffApiTokens = pgTable(
  'staff_api_tokens',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, shown in lists so a person can tell their tokens apart. */
    displayPrefix: text('display_prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamptz('last_used_at'),
    expiresAt: timestamptz('expires_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [index('staff_api_tokens_user').on(t.userId)],
);

/**
 * Append-only: a trigger (migrations/0008) refuses UPDATE, DELETE and TRUNCATE. `details` holds
 * ids and names, never a password, token or message body (src/audit/audit-log.ts).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamptz('at').notNull().defaultNow(),
    /** The staff member who acted; null for the system, the command line, or an unknown caller (a failed login). */
    actorId: integer('actor_id').references(() => staffUsers.id),
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    sourceIp: text('source_ip'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('audit_log_at').on(t.at),
    index('audit_log_actor_at').on(t.actorId, t.at),
    index('audit_log_action_at').on(t.action, t.at),
    index('audit_log_object').on(t.objectType, t.objectId),
  ],
);

/**
 * Quick replies (快捷回复): texts agents insert into a reply, managed by supervisors and admins
 * (src/quick-replies/). Global: every agent sees every one (per-team sets wait for teams).
 * `{客户名}` and `{客服名}` in the text are filled in when an agent uses one.
 */
export const quickReplies = pgTable(
  'quick_replies',
  {
    id: serial('id').primaryKey(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    /** Typed in the reply box to pick it, e.g. `/退款`; unique ignoring case. */
    shortcut: text('shortcut'),
    createdBy: integer('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('quick_replies_shortcut_lower').on(sql`lower(${t.shortcut})`)],
);

/**
 * Teams of agents (issue 13): a channel account routes its waiting conversations to a team
 * (team_channel_accounts, beside the conversation tables), agents see their team's conversations,
 * and a team with `autoAssign` has them assigned round-robin among its online members.
 */
export const teams = pgTable('teams', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  autoAssign: boolean('auto_assign').notNull().default(false),
  /** Open conversations per member before round-robin passes them over; null = AGENT_MAX_OPEN_CONVERSATIONS. */
  maxOpenPerAgent: integer('max_open_per_agent'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user').on(t.userId)],
);
