CREATE TYPE "public"."erasure_kind" AS ENUM('contact', 'retention');--> statement-breakpoint
CREATE TABLE "erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "erasure_kind" NOT NULL,
	"contact_id" uuid,
	"channel_id" uuid,
	"actor_id" uuid,
	"cutoff" timestamp with time zone,
	"counts" jsonb NOT NULL,
	"files_removed" integer DEFAULT 0 NOT NULL,
	"pending_storage_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "erasures_kind_created_idx" ON "erasures" USING btree ("kind","created_at");--> statement-breakpoint
CREATE INDEX "erasures_channel_idx" ON "erasures" USING btree ("channel_id","created_at");