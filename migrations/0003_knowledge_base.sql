CREATE TABLE "kb_chunks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"document_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"questions" jsonb,
	"answer" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"embedding" real[],
	"embedding_model" text
);
--> statement-breakpoint
CREATE TABLE "kb_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"knowledge_base_id" integer NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"content_hash" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"format" text NOT NULL,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "knowledge_bases" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_bases_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "summary" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "summarized_through" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "kb_chunks" ADD CONSTRAINT "kb_chunks_document_id_kb_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."kb_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_documents" ADD CONSTRAINT "kb_documents_knowledge_base_id_knowledge_bases_id_fk" FOREIGN KEY ("knowledge_base_id") REFERENCES "public"."knowledge_bases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kb_chunks_document" ON "kb_chunks" USING btree ("document_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_documents_name_version" ON "kb_documents" USING btree ("knowledge_base_id","name","version");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_documents_one_active" ON "kb_documents" USING btree ("knowledge_base_id","name") WHERE status = 'active';