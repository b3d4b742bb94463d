CREATE TABLE "conversation_reads" (
	"user_id" integer NOT NULL,
	"conversation_id" bigint NOT NULL,
	"last_read_message_id" bigint NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_reads_user_id_conversation_id_pk" PRIMARY KEY("user_id","conversation_id")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "human_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_waiting" ON "conversations" USING btree ("waiting_since","id") WHERE status = 'needs_human';--> statement-breakpoint
CREATE INDEX "conversations_open_by_last_message" ON "conversations" USING btree ("last_message_at","id") WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX "conversations_held_by" ON "conversations" USING btree ("assignee","last_message_at","id") WHERE assignee is not null and status <> 'closed';--> statement-breakpoint
CREATE INDEX "conversations_resolved" ON "conversations" USING btree ("resolved_at","id") WHERE resolved_at is not null;--> statement-breakpoint
CREATE INDEX "conversations_resolved_by" ON "conversations" USING btree ("resolved_by","resolved_at","id") WHERE resolved_at is not null;--> statement-breakpoint
CREATE INDEX "messages_from_customer" ON "messages" USING btree ("conversation_id","id") WHERE sender = 'customer' and kind <> 'event';--> statement-breakpoint
-- hand-written:
-- Search (src/conversations/search-conversations.ts): trigram GIN indexes serve ILIKE '%q%' for
-- queries of 3+ characters, Chinese included (https://www.postgresql.org/docs/current/pgtrgm.html).
-- The extension must exist before the indexes, so both are here rather than in schema.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "messages_text_trgm" ON "messages" USING gin ("text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_display_name_trgm" ON "customers" USING gin ("display_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_external_id_trgm" ON "customers" USING gin ("external_id" gin_trgm_ops);--> statement-breakpoint
-- Conversations held by a person now: their stretch began at the last change of the row, the best guess.
UPDATE "conversations" SET "human_since" = "updated_at" WHERE "status" = 'human';
