CREATE TABLE "customer_tag_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" bigint NOT NULL,
	"tag_id" integer NOT NULL,
	"action" text NOT NULL,
	"source" text NOT NULL,
	"rule_id" integer,
	"user_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"filter" jsonb NOT NULL,
	"route_team_id" integer,
	"route_priority" integer DEFAULT 100 NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segments_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "tag_groups" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tag_groups_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "tag_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"tag_id" integer NOT NULL,
	"condition" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_by" integer,
	"backfill_state" text DEFAULT 'idle' NOT NULL,
	"backfill_revision" integer DEFAULT 0 NOT NULL,
	"backfill_cursor" bigint DEFAULT 0 NOT NULL,
	"backfill_until" bigint DEFAULT 0 NOT NULL,
	"backfill_tagged" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" serial PRIMARY KEY NOT NULL,
	"group_id" integer NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_tags" ADD COLUMN "tag_id" integer;--> statement-breakpoint
-- hand-written: tags were names until now; each name becomes a tag of the group 未分组 (the group
-- that tags named by a rule or a platform land in), and the rows point at it before tag_id is required.
INSERT INTO "tag_groups" ("name") VALUES ('未分组');--> statement-breakpoint
INSERT INTO "tags" ("group_id", "name")
  SELECT (SELECT "id" FROM "tag_groups" WHERE "name" = '未分组'), min("tag") FROM "customer_tags" GROUP BY lower("tag");--> statement-breakpoint
UPDATE "customer_tags" ct SET "tag_id" = t."id" FROM "tags" t WHERE lower(t."name") = lower(ct."tag");--> statement-breakpoint
ALTER TABLE "customer_tags" ALTER COLUMN "tag_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD COLUMN "rule_id" integer;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD COLUMN "user_id" integer;--> statement-breakpoint
ALTER TABLE "customer_tag_events" ADD CONSTRAINT "customer_tag_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tag_events" ADD CONSTRAINT "customer_tag_events_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_route_team_id_teams_id_fk" FOREIGN KEY ("route_team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_rules" ADD CONSTRAINT "tag_rules_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_rules" ADD CONSTRAINT "tag_rules_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_group_id_tag_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."tag_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_tag_events_customer" ON "customer_tag_events" USING btree ("customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "tags_group_name" ON "tags" USING btree ("group_id",lower("name"));--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_tags_tag_customer" ON "customer_tags" USING btree ("tag_id","customer_id");