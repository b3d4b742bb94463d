import { z } from 'zod';

/**
 * Cost guards of the web widget, whose visitors need no account: what one address, one visitor
 * and one widget account may spend of sessions, event streams, upload storage and model tokens.
 * Each widget account may override the WEB_CHAT_* defaults in CONFIG_FILE (docs/channels.md).
 */
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const count = (min: 0 | 1, fallback: number) => z.preprocess(blankAsUnset, z.coerce.number().int().min(min).default(fallback));

const MIB = 1024 * 1024;

export const webBudgetEnvShape = {
  /** New anonymous sessions one client address may start per hour. */
  WEB_CHAT_IP_SESSIONS_PER_HOUR: count(1, 60),
  /** Event streams one visitor may hold open in one API process at once. */
  WEB_CHAT_VISITOR_STREAMS: count(1, 5),
  /** Event streams one API process holds open at once, all widget accounts together. */
  WEB_CHAT_MAX_STREAMS: count(1, 5000),
  /** Upload bytes one visitor may have stored (within the retention period). */
  WEB_CHAT_VISITOR_UPLOAD_BYTES: count(1, 50 * MIB),
  /** Upload bytes one widget account may have stored (within the retention period). */
  WEB_CHAT_ACCOUNT_UPLOAD_BYTES: count(1, 2048 * MIB),
  /** Uploads older than this are deleted. */
  WEB_CHAT_UPLOAD_RETENTION_DAYS: count(1, 30),
  /** Model tokens one anonymous visitor may spend per UTC day; 0 = knowledge base only. */
  WEB_CHAT_VISITOR_TOKENS_PER_DAY: count(0, 50_000),
  /** Model tokens all visitors of one widget account may spend per UTC day; 0 = knowledge base only. */
  WEB_CHAT_ACCOUNT_TOKENS_PER_DAY: count(0, 2_000_000),
};

/** The same budgets as CONFIG_FILE fields of one web account. */
export const webBudgetAccountShape = {
  ipSessionsPerHour: z.number().int().positive().optional(),
  visitorStreams: z.number().int().positive().optional(),
  visitorUploadBytes: z.number().int().positive().optional(),
  accountUploadBytes: z.number().int().positive().optional(),
  uploadRetentionDays: z.number().int().positive().optional(),
  visitorTokensPerDay: z.number().int().min(0).optional(),
  accountTokensPerDay: z.number().int().min(0).optional(),
};

type BudgetEnv = { [K in keyof typeof webBudgetEnvShape]: number };
export type WebBudgets = { [K in keyof typeof webBudgetAccountShape]-?: number };

/** An account's budgets where its CONFIG_FILE entry leaves them out. */
export function webBudgetDefaults(env: BudgetEnv): WebBudgets {
  return {
    ipSessionsPerHour: env.WEB_CHAT_IP_SESSIONS_PER_HOUR,
    visitorStreams: env.WEB_CHAT_VISITOR_STREAMS,
    visitorUploadBytes: env.WEB_CHAT_VISITOR_UPLOAD_BYTES,
    accountUploadBytes: env.WEB_CHAT_ACCOUNT_UPLOAD_BYTES,
    uploadRetentionDays: env.WEB_CHAT_UPLOAD_RETENTION_DAYS,
    visitorTokensPerDay: env.WEB_CHAT_VISITOR_TOKENS_PER_DAY,
    accountTokensPerDay: env.WEB_CHAT_ACCOUNT_TOKENS_PER_DAY,
  };
}
