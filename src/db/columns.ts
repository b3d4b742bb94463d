import { timestamp } from 'drizzle-orm/pg-core';

/** Timestamp columns every table spells the same way (src/db/schema.ts, src/db/knowledge-schema.ts). */
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
