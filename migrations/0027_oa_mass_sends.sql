CREATE TABLE "broadcast_mass_sends" (
	"id" serial PRIMARY KEY NOT NULL,
	"broadcast_id" integer NOT NULL,
	"account_name" text NOT NULL,
	"platform_tag_id" text,
	"state" text DEFAULT 'creating' NOT NULL,
	"recipients" integer DEFAULT 0 NOT NULL,
	"platform_msg_id" text,
	"errcode" text,
	"status" text,
	"total_count" integer,
	"filter_count" integer,
	"sent_count" integer,
	"error_count" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD COLUMN "mass_send_id" integer;--> statement-breakpoint
ALTER TABLE "broadcast_mass_sends" ADD CONSTRAINT "broadcast_mass_sends_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_mass_sends_once" ON "broadcast_mass_sends" USING btree ("broadcast_id","account_name");--> statement-breakpoint
CREATE INDEX "broadcast_mass_sends_msg" ON "broadcast_mass_sends" USING btree ("account_name","platform_msg_id");--> statement-breakpoint
CREATE INDEX "broadcast_recipients_mass_send" ON "broadcast_recipients" USING btree ("mass_send_id") WHERE mass_send_id is not null;