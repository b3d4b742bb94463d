CREATE TABLE "database_identity" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "send_fence" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The database's id, made once, here: 16 random hex digits (64 bits) keep Redis keys short.
INSERT INTO "database_identity" ("id") VALUES (substr(replace(gen_random_uuid()::text, '-', ''), 1, 16));
