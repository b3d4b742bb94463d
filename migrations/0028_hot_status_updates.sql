DROP INDEX "messages_pending_by_conversation";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "awaiting_answer" boolean GENERATED ALWAYS AS (direction = 'in' and status = 'pending') STORED;--> statement-breakpoint
CREATE INDEX "messages_awaiting_answer_by_conversation" ON "messages" USING btree ("conversation_id","id") WHERE awaiting_answer;--> statement-breakpoint
-- Written by hand (drizzle-kit knows no table storage parameters): half of each new page is left
-- free, so that the one status update each row gets on the hot path (pending → answered,
-- queued → sent) finds room for its new version on the row's own page, which a heap-only (HOT)
-- update needs (https://www.postgresql.org/docs/15/storage-hot.html). Set after the column's table
-- rewrite, so the rows already stored stay packed. docs/performance.md has the figures.
ALTER TABLE "messages" SET (fillfactor = 50);
