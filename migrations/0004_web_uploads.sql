CREATE TABLE "web_uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"channel_account_id" integer NOT NULL,
	"owner" text NOT NULL,
	"kind" text NOT NULL,
	"content_type" text NOT NULL,
	"name" text NOT NULL,
	"size" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "web_uploads" ADD CONSTRAINT "web_uploads_channel_account_id_channel_accounts_id_fk" FOREIGN KEY ("channel_account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "web_uploads_owner" ON "web_uploads" USING btree ("channel_account_id","owner");