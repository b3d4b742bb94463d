CREATE TABLE "answer_feedback" (
	"message_id" bigint PRIMARY KEY NOT NULL,
	"rating" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dashboard_days" (
	"time_zone" text NOT NULL,
	"day" date NOT NULL,
	"figures" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dashboard_days_time_zone_day_pk" PRIMARY KEY("time_zone","day")
);
--> statement-breakpoint
CREATE TABLE "unanswered_fixes" (
	"question_id" bigint PRIMARY KEY NOT NULL,
	"entry_question" text NOT NULL,
	"fixed_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "answer_feedback" ADD CONSTRAINT "answer_feedback_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_fixes" ADD CONSTRAINT "unanswered_fixes_question_id_messages_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unanswered_fixes" ADD CONSTRAINT "unanswered_fixes_fixed_by_staff_users_id_fk" FOREIGN KEY ("fixed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "answer_feedback_down" ON "answer_feedback" USING btree ("updated_at","message_id") WHERE rating = 'down';--> statement-breakpoint
CREATE INDEX "conversations_created_by_channel" ON "conversations" USING btree ("created_at","channel_account_id");--> statement-breakpoint
CREATE INDEX "conversations_first_response" ON "conversations" USING btree ("first_response_at","human_since") WHERE first_response_at is not null;--> statement-breakpoint
CREATE INDEX "messages_created_by_channel" ON "messages" USING btree ("created_at","channel_account_id","direction","sender");--> statement-breakpoint
CREATE INDEX "messages_bot_replies" ON "messages" USING btree ("created_at","reply_to_id") WHERE sender = 'bot';--> statement-breakpoint
CREATE INDEX "messages_unanswered_replies" ON "messages" USING btree ("created_at","reply_to_id") WHERE sender = 'bot' and (meta ? 'handoffReason' or meta->>'decision' = 'clarify');