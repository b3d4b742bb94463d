CREATE TABLE "session_revocations" (
	"channel_account_id" integer NOT NULL,
	"external_id" text NOT NULL,
	"revoked_before" timestamp with time zone NOT NULL,
	CONSTRAINT "session_revocations_channel_account_id_external_id_pk" PRIMARY KEY("channel_account_id","external_id")
);
--> statement-breakpoint
ALTER TABLE "session_revocations" ADD CONSTRAINT "session_revocations_channel_account_id_channel_accounts_id_fk" FOREIGN KEY ("channel_account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE no action ON UPDATE no action;