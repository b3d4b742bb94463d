ALTER TABLE "customer_tags" DROP CONSTRAINT "customer_tags_customer_id_tag_pk";--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_customer_id_tag_id_pk" PRIMARY KEY("customer_id","tag_id");--> statement-breakpoint
ALTER TABLE "customer_tags" DROP COLUMN "tag";