ALTER TABLE "staff_users" ADD COLUMN "wecom_user_id" text;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "on_duty" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_wecom_user_id" ON "staff_users" USING btree ("wecom_user_id");