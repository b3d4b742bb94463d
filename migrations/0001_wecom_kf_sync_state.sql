CREATE TABLE "wecom_kf_sync_state" (
	"id" serial PRIMARY KEY NOT NULL,
	"account_name" text NOT NULL,
	"open_kfid" text NOT NULL,
	"cursor" text,
	"requested_generation" integer DEFAULT 0 NOT NULL,
	"synced_generation" integer DEFAULT 0 NOT NULL,
	"callback_token" text,
	"callback_token_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "wecom_kf_sync_state_account_kf" ON "wecom_kf_sync_state" USING btree ("account_name","open_kfid");--> statement-breakpoint
CREATE INDEX "wecom_kf_sync_state_due" ON "wecom_kf_sync_state" USING btree ("updated_at") WHERE requested_generation > synced_generation;