CREATE TABLE "broadcast_group_tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"broadcast_id" integer NOT NULL,
	"sender" text NOT NULL,
	"state" text DEFAULT 'creating' NOT NULL,
	"platform_task_id" text,
	"errcode" text,
	"recipients" integer NOT NULL,
	"checked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tag_syncs" ADD COLUMN "page_cursor" text;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD COLUMN "group_task_id" integer;--> statement-breakpoint
ALTER TABLE "broadcast_group_tasks" ADD CONSTRAINT "broadcast_group_tasks_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcast_recipients_group_task" ON "broadcast_recipients" USING btree ("group_task_id") WHERE group_task_id is not null;