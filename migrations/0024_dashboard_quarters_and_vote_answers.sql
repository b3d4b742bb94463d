CREATE TABLE "dashboard_quarters" (
	"starts_at" timestamp with time zone PRIMARY KEY NOT NULL,
	"figures" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Votes already stored take their answer's time and outcome from the answer itself, before the columns become NOT NULL.
ALTER TABLE "answer_feedback" ADD COLUMN "answer_created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "answer_feedback" ADD COLUMN "answered" boolean;--> statement-breakpoint
UPDATE "answer_feedback" f SET "answer_created_at" = m.created_at,
  "answered" = not (m.meta ? 'handoffReason') and m.meta->>'decision' is distinct from 'clarify'
FROM "messages" m WHERE m.id = f.message_id;--> statement-breakpoint
ALTER TABLE "answer_feedback" ALTER COLUMN "answer_created_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "answer_feedback" ALTER COLUMN "answered" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "answer_feedback_down_answers" ON "answer_feedback" USING btree ("answer_created_at") WHERE rating = 'down' and answered;