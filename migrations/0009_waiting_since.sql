ALTER TABLE "conversations" ADD COLUMN "waiting_since" timestamp with time zone;--> statement-breakpoint
-- Conversations already waiting: the last change of their row is the best guess of since when.
UPDATE "conversations" SET "waiting_since" = "updated_at" WHERE "status" = 'needs_human';
