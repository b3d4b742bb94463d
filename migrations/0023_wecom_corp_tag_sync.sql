CREATE TABLE "tag_syncs" (
	"target" text PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'idle' NOT NULL,
	"cursor" bigint DEFAULT 0 NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"pushed" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wecom_tag_deletions" (
	"wecom_tag_id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tag_groups" ADD COLUMN "wecom_group_id" text;--> statement-breakpoint
ALTER TABLE "tags" ADD COLUMN "wecom_tag_id" text;--> statement-breakpoint
ALTER TABLE "tags" ADD COLUMN "wecom_name" text;--> statement-breakpoint
ALTER TABLE "tags" ADD COLUMN "wecom_owned" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tag_groups" ADD CONSTRAINT "tag_groups_wecom_group_id_unique" UNIQUE("wecom_group_id");--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_wecom_tag_id_unique" UNIQUE("wecom_tag_id");