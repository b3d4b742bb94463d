ALTER TABLE "bot_settings" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "bot_settings" ADD COLUMN "wrapped_key" text;--> statement-breakpoint
ALTER TABLE "bot_settings" ADD COLUMN "sealed_secrets" text;